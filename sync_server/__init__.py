"""The family sync server: FastAPI + SQLAlchemy + Alembic, started with `aidioma-sync-server`.

- The wire types and limits are aidioma_protocol's, shared with the desktop client.
- config.py: Settings (AIDIOMA_SYNC_* environment variables, command line in cli.py).
- db.py, models.py, migrate.py + migrations/: SQLite (default), PostgreSQL or MariaDB.
- crud.py: all SQL. security.py: argon2id passwords, hashed tokens, the invite code.
- api/: dependencies and routers (auth, account, sync, health); app.py: create_app().
- body_limit.py: gzip request bodies and the 413 limit; errors.py: the uniform error bodies.
"""

from aidioma_protocol import __version__

__all__ = ["__version__"]
