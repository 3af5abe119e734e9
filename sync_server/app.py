"""The application factory: `create_app(settings)` migrates the database and builds the app."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from aidioma_protocol.limits import API_PREFIX

from . import __version__, crud, errors
from .api.deps import Clock, ServerContext
from .api.routes import account, auth, health, sync
from .body_limit import BodyLimitMiddleware
from .config import Settings
from .db import make_engine, make_sessions
from .migrate import upgrade
from .security import new_invite_code, password_hasher


def system_clock() -> int:
    return time.time_ns() // 1_000_000


def ensure_invite_code(sessions: sessionmaker[Session]) -> str:
    """The family invite code, made on first start and kept from then on."""
    with sessions() as session:
        code = crud.get_state(session, crud.INVITE_KEY)
        if code is not None:
            return code
        try:
            crud.set_state(session, crud.INVITE_KEY, new_invite_code())
            session.commit()
        except IntegrityError:  # another worker made it first
            session.rollback()
        code = crud.get_state(session, crud.INVITE_KEY)
        assert code is not None
        return code


def rotate_invite_code(sessions: sessionmaker[Session]) -> str:
    with sessions() as session:
        code = new_invite_code()
        crud.set_state(session, crud.INVITE_KEY, code)
        session.commit()
        return code


def open_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """The engine, migrated to the current schema, and its session factory."""
    engine = make_engine(
        settings.resolved_database_url(),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    upgrade(engine)
    return engine, make_sessions(engine)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The server app; `clock` (Unix ms) lets tests move time."""
    settings = settings or Settings()
    engine, sessions = open_database(settings)
    ensure_invite_code(sessions)
    hasher = password_hasher(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="AIdioma Sync",
        version=__version__,
        summary="The family sync server of AIdioma Desktop (sync protocol v1).",
        lifespan=lifespan,
        redoc_url=None,
        # A path with a trailing slash is not an endpoint: 404 in the error shape, not a 307
        # with an empty body that clients follow or not.
        redirect_slashes=False,
    )
    app.state.engine = engine
    app.state.context = ServerContext(
        settings=settings,
        sessions=sessions,
        clock=clock or system_clock,
        hasher=hasher,
        dummy_hash=hasher.hash(secrets.token_urlsafe(16)),
        password_slots=threading.BoundedSemaphore(settings.max_concurrent_password_checks),
    )
    for module in (health, auth, account, sync):
        app.include_router(module.router, prefix=API_PREFIX)
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware)
    return app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory` and worker processes: settings from AIDIOMA_SYNC_* only."""
    return create_app(Settings())
