"""Who is calling: request signatures, the failure limits and replay protection."""
