"""Import a database of the original BadgeKit API (Node.js and MySQL) into this server's.

`source` reads the original database (SELECTs only, in id order, in batches), `tables`
and the `mapping_*` modules turn each of its tables' rows into this server's rows by the
rules in docs/import-original.md, `writer` writes each batch in one transaction together
with its `imported_rows` records, `run` drives the tables in order and `report` tells what
was imported, kept with a fallback, or skipped and why.
"""
