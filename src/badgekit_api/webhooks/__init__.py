"""Webhooks: events written in the caller's transaction, delivered signed by a worker."""
