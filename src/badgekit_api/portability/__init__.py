"""A system's whole content as JSON Lines and back: backups, and moving between databases."""
