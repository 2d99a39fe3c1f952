"""The HTTP API (v1 routes), web pages and the command line."""
