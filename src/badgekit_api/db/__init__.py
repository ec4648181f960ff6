"""The database: engine, sessions and connection checks."""
