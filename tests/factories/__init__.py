"""Small helpers that create resources through the public API."""
