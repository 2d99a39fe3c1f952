"""Version 1 of the HTTP API: one router per resource."""
