"""Issuers: the organisations inside a system."""
