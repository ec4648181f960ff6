"""Per-system API keys."""
