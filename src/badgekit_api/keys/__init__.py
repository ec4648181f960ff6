"""Issuer profile keys: made on first use, encrypted at rest, rotated and revoked on
purpose, published in each profile's did:web DID document."""
