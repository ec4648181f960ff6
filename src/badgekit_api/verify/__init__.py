"""`POST /public/verify`: any Open Badges 3.0 credential checked, with its issuer's key and
status list resolved from our own database, did:key, or did:web over HTTPS."""
