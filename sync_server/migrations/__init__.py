"""Alembic migrations, run programmatically at startup (see sync_server.migrate)."""
