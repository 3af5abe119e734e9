"""Register (with the family invite code), log in, log out.

Failed logins are counted per username and per client address in the database (so several
workers share the counts); past the limit every attempt gets 429 with Retry-After, even with the
right password. Wrong invite codes count against the address too.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ... import crud
from ...errors import ApiError, unauthorized
from ...protocol import LoginRequest, RegisterRequest, TokenResponse
from ...security import invite_matches, new_token, token_hash, verify_password
from ..deps import CallerDep, ContextDep, ServerContext, SessionDep
from ..docs import errors
from ..routing import StrictJsonRoute
from .common import format_instant, reject_nul

router = APIRouter(prefix="/auth", tags=["auth"], route_class=StrictJsonRoute)

DAY_MS = 24 * 3600 * 1000


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _retry_after_s(times: list[int], limit: int, window_ms: int, now: int) -> int:
    """Seconds until fewer than `limit` of these failures remain in the window (0: not limited)."""
    if len(times) < limit:
        return 0
    frees_at = times[len(times) - limit] + window_ms
    return max(1, math.ceil((frees_at - now) / 1000))


def _check_rate(context: ServerContext, session: Session, keys: dict[str, int], now: int) -> None:
    window_ms = context.settings.login_window_s * 1000
    wait = 0
    for key, limit in keys.items():
        times = crud.failure_times(session, key, now - window_ms)
        wait = max(wait, _retry_after_s(times, limit, window_ms, now))
    if wait:
        raise ApiError(
            "rate_limited",
            f"too many failed attempts: try again in {wait} seconds",
            {"Retry-After": str(wait)},
        )


def _fail(context: ServerContext, session: Session, keys: list[str], now: int) -> None:
    crud.add_failures(session, keys, now, now - context.settings.login_window_s * 1000)
    session.commit()


def _issue_token(
    context: ServerContext, session: Session, user_id: int, now: int
) -> tuple[str, int]:
    token = new_token()
    expires_at = now + context.settings.token_days * DAY_MS
    crud.add_token(session, token_hash(token), user_id, now, expires_at)
    return token, expires_at


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenResponse,
    responses=errors(403, 409, 413, 422, 429),
)
def register(
    body: RegisterRequest, request: Request, session: SessionDep, context: ContextDep
) -> TokenResponse:
    """Create an account with the family invite code; answers with a token for this device."""
    reject_nul("email", body.email)
    now = context.clock()
    address_key = f"addr:{_address(request)}"
    _check_rate(
        context, session, {address_key: context.settings.login_max_failures_per_address}, now
    )
    invite = crud.get_state(session, crud.INVITE_KEY)
    if invite is None or not invite_matches(body.invite_code, invite):
        _fail(context, session, [address_key], now)
        raise ApiError("forbidden", "wrong invite code: ask whoever runs the family server")
    username_key = body.username.lower()
    if crud.username_taken(session, username_key):
        raise ApiError("conflict", f"username {body.username!r} is taken")
    session.commit()  # hashing takes a while: do not hold the connection meanwhile
    password_hash = context.hasher.hash(body.password)
    try:
        user_id = crud.create_user(session, body.username, body.email, password_hash, now)
        token, expires_at = _issue_token(context, session, user_id, now)
        session.commit()
    except IntegrityError as exc:  # registered by someone else meanwhile
        session.rollback()
        raise ApiError("conflict", f"username {body.username!r} is taken") from exc
    return TokenResponse(token=token, username=body.username, expires_at=format_instant(expires_at))


@router.post("/login", response_model=TokenResponse, responses=errors(401, 413, 422, 429))
def login(
    body: LoginRequest, request: Request, session: SessionDep, context: ContextDep
) -> TokenResponse:
    """Exchange username and password for a new token for this device."""
    now = context.clock()
    settings = context.settings
    username_key = body.username.lower()
    user_key, address_key = f"user:{username_key}", f"addr:{_address(request)}"
    limits = {
        user_key: settings.login_max_failures_per_user,
        address_key: settings.login_max_failures_per_address,
    }
    _check_rate(context, session, limits, now)
    found = crud.credentials(session, username_key)
    session.commit()  # verifying takes a while: do not hold the connection meanwhile
    # An unknown name costs a verification too, so timing does not tell which names exist.
    stored = found.password_hash if found else context.dummy_hash
    if not verify_password(context.hasher, stored, body.password) or found is None:
        _fail(context, session, [user_key, address_key], now)
        raise unauthorized("wrong username or password")
    crud.clear_failures(session, user_key)
    if context.hasher.check_needs_rehash(found.password_hash):
        crud.set_password_hash(session, found.id, context.hasher.hash(body.password))
    crud.delete_expired_tokens(session, found.id, now)
    token, expires_at = _issue_token(context, session, found.id, now)
    session.commit()
    return TokenResponse(
        token=token, username=found.username, expires_at=format_instant(expires_at)
    )


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401),
    response_class=Response,
)
def logout(caller: CallerDep, session: SessionDep) -> Response:
    """Revoke this token (other devices stay signed in)."""
    crud.delete_token(session, caller.token_hash)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
