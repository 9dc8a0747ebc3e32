"""Load and fault tests: real gunicorn processes over a database of their own (marked `load`)."""
