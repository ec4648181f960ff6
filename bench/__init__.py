"""The project's load benchmark: `python -m bench` (or `make bench`). See bench/README.md."""
