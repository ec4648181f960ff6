"""What systems, issuers and programs share: fields, validation, serialization and writes."""
