"""Folium map builders: records in, HTML out (no database access)."""
