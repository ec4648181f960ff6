"""Programs: groups of badges inside an issuer."""
