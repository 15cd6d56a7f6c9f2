"""The embedded database's backend: Django's SQLite backend, with writers served in turn."""
