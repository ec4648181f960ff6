"""Open Badges 3.0: the award as an OpenBadgeCredential (a W3C Verifiable Credential 2.0),
its two proof formats (VC-JWT and Data Integrity eddsa-rdfc-2022), and baking it."""
