"""Liveness and readiness answers."""
