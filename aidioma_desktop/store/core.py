"""What every part of a profile's database shares: the errors, worded for the person using the
app; the guard that turns SQLite's failures into them; the engine and its sessions."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from ..domain.errors import AppError

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(AppError):
    """A problem with a profile database, worded for the person using the app."""


class DatabaseDamaged(StoreError):
    pass


class DatabaseForeign(StoreError):
    pass


class DatabaseTooNew(StoreError):
    pass


class DatabaseBusy(StoreError):
    pass


def _guard(method: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite failures into StoreErrors that say what happened and that nothing was lost."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            raise _store_error(exc, getattr(args[0], "path", "")) from exc

    return wrapper


def _store_error(exc: Exception, path: object) -> StoreError:
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"The profile database is in use by another program ({path}). "
            "Close other AIdioma windows and try again; nothing was changed."
        )
    if "full" in text:
        return StoreError(
            "The disk is full, so AIdioma could not save. Free some space and try again; "
            "what was saved before is safe."
        )
    return DatabaseDamaged(
        f"The profile database {path} is damaged ({cause}). It was left untouched; "
        "restore it from a backup or sync it again."
    )


class DatabaseCore:
    """A profile's engine and its sessions (ProfileDatabase is the whole of it)."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self._engine = engine

    def close(self) -> None:
        self._engine.dispose()

    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)
