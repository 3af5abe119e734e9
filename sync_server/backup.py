"""`aidioma-sync-server backup PATH` and `restore PATH`: the SQLite database, copied whole.

Both use SQLite's online backup, page by page under SQLite's own locks: a backup taken while the
server serves is a consistent snapshot, and a restore replaces the database in one step that the
server's connections see as any other write. A restore first keeps the database it replaces
beside it (`sync.sqlite3.before-restore-<time>`), then migrates the copy it restored, so a
backup made by an older version works. PostgreSQL and MariaDB have their own tools (pg_dump,
mariadb-dump; docs/sync-server.md).
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

# Tables every server database has since its first migration: a file without them is not one.
_TABLES = {"users", "events", "alembic_version"}


class BackupError(Exception):
    """What is wrong, in one line for the person at the terminal."""


def sqlite_path(url: URL) -> Path:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(
            f"backup and restore copy the SQLite database; for {url.get_backend_name()} use its "
            "own tool (pg_dump / pg_restore, mariadb-dump / mariadb): see docs/sync-server.md"
        )
    return Path(url.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # 1,024 pages a step: other connections get their turns between steps.
    source.backup(target, pages=1024)


def _check_server_database(path: Path) -> None:
    """Refuse a file that is not a whole, readable sync server database."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc})") from exc
    missing = _TABLES - tables
    if missing:
        raise BackupError(
            f"{path} is not an AIdioma sync server database (no {', '.join(sorted(missing))})"
        )
    if verdict != "ok":
        raise BackupError(f"{path} is damaged: {verdict}")


def backup(database: Path, target: Path) -> int:
    """Copy the live database to `target` (a new file); the number of events it holds."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database} yet: nothing to back up")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    partial = target.with_name(target.name + ".partial")
    try:
        with (
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            _copy(source, copy)
            events = int(copy.execute("SELECT count(*) FROM events").fetchone()[0])
            # A single file: the copy takes the live database's WAL mode; undo it.
            copy.execute("PRAGMA journal_mode=DELETE")
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup to {target} failed, nothing was written: {exc}") from exc
    return events


def restore(database: Path, source: Path) -> tuple[int, Path | None]:
    """Replace the database with the backup `source`: (events restored, where the replaced
    database was kept, or None when there was none)."""
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    _check_server_database(source)
    kept = None
    if database.is_file():
        moment = time.strftime("%Y%m%d-%H%M%S")
        kept = database.with_name(f"{database.name}.before-restore-{moment}")
        backup(database, kept)
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_db,
            closing(sqlite3.connect(database, timeout=30)) as live,
        ):
            _copy(backup_db, live)
            events = int(live.execute("SELECT count(*) FROM events").fetchone()[0])
    except (sqlite3.Error, OSError) as exc:
        where = f"; the database before it is kept at {kept}" if kept else ""
        raise BackupError(f"the restore from {source} failed{where}: {exc}") from exc
    return events, kept
