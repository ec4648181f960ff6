"""Badges: the earnable badge classes of a system, issuer or program."""
