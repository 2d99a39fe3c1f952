"""Readers for outside data: files in, validated records out, then loaded into the graph."""
