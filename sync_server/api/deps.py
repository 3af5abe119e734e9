"""Request dependencies: the database session, the clock, and the user behind the token."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from argon2 import PasswordHasher
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from .. import crud
from ..config import Settings
from ..errors import unauthorized
from ..security import token_hash

Clock = Callable[[], int]  # Unix time in milliseconds


@dataclass(frozen=True)
class ServerContext:
    """What every request needs, built once by create_app and kept in app.state."""

    settings: Settings
    sessions: sessionmaker[Session]
    clock: Clock
    hasher: PasswordHasher
    dummy_hash: str  # verified against for unknown usernames, so they take as long as known ones
    # Turns at password hashing (max_concurrent_password_checks): bounds its memory.
    password_slots: threading.BoundedSemaphore


async def get_context(request: Request) -> ServerContext:
    # async: no I/O here, and a plain def would cost a hop to the thread pool.
    return request.app.state.context  # type: ignore[no-any-return]


ContextDep = Annotated[ServerContext, Depends(get_context)]


def get_db(context: ContextDep) -> Iterator[Session]:
    with context.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]

_bearer = HTTPBearer(auto_error=False, description="the token from register or login")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


@dataclass(frozen=True, slots=True)
class Caller:
    user: crud.AuthUser
    token_hash: str


def authenticate(
    session: Session, context: ServerContext, credentials: HTTPAuthorizationCredentials | None
) -> Caller:
    if credentials is None or not credentials.credentials:
        raise unauthorized("sign in: this needs Authorization: Bearer <token>")
    hashed = token_hash(credentials.credentials)
    user = crud.user_by_token(session, hashed, context.clock())
    if user is None:
        raise unauthorized("sign in again: the token is unknown or has expired")
    return Caller(user, hashed)


def current_caller(session: SessionDep, context: ContextDep, credentials: BearerDep) -> Caller:
    return authenticate(session, context, credentials)


CallerDep = Annotated[Caller, Depends(current_caller)]
