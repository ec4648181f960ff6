"""An earner's own data in one system: everything held about one email, and its erasure."""
