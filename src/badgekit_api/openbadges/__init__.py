"""The public, verifiable Open Badges documents: assertions, badge classes and issuer
profiles in Open Badges 1.0 (the original's format) and 2.0 (JSON-LD), revocation lists,
baked badge images and the badge page people see."""
