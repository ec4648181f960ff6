"""Claim codes: codes an earner redeems for a badge, single-use or multi-use."""
