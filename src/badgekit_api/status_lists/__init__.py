"""Revocation through the W3C Bitstring Status List v1.0: each award's entry, each profile's
lists, served as signed BitstringStatusListCredentials."""
