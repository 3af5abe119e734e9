"""Register (with the family invite code), log in, log out.

Failed logins are counted per username and per client address in the database (so several
workers share the counts); past the limit every attempt gets 429 with Retry-After, even with the
right password. Wrong invite codes count against the address too.

Only failures count, yet however many attempts run at once no more than the limit get to the
check: each attempt is recorded as pending, and committed, before the password or invite code is
checked, and goes on to the check only while the failures plus the others' pending attempts are
under the limit. Recording and counting take turns across workers (crud.take_attempts_turn), so
the k-th sees the k-1 before it. Past the failures' limit it answers 429
"too many failed attempts" with the time until one expires; held back by attempts under way, a
429 "busy" to retry in a second. A failed check turns its record into a failure, any other end
forgets it. Password hashing (argon2, memory-hard) takes turns too: at most
`max_concurrent_password_checks` at once per process, and a request that gets no turn within
`password_check_wait_s` answers 429 without hashing, so a burst of logins cannot exhaust memory.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Request, Response, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aidioma_protocol.events import format_instant
from aidioma_protocol.wire import LoginRequest, RegisterRequest, TokenResponse

from ... import crud
from ...errors import ApiError, unauthorized
from ...security import invite_matches, new_token, token_hash, verify_password
from ..deps import CallerDep, ContextDep, ServerContext, SessionDep
from ..docs import errors
from ..routing import StrictJsonRoute
from .common import reject_nul

router = APIRouter(prefix="/auth", tags=["auth"], route_class=StrictJsonRoute)

DAY_MS = 24 * 3600 * 1000
# An attempt pending for longer was cut short (its worker died): it counts as a failure. An
# attempt is pending for at most password_check_wait_s plus one hash.
PENDING_STALE_MS = 60_000
BUSY_RETRY_S = 1  # attempts under way end within a hash or two


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _retry_after_s(times: list[int], limit: int, window_ms: int, now: int) -> int:
    """Seconds until fewer than `limit` of these failures remain in the window (0: not limited)."""
    if len(times) < limit:
        return 0
    frees_at = times[len(times) - limit] + window_ms
    return max(1, math.ceil((frees_at - now) / 1000))


def _rate_limited(message: str, wait_s: float) -> ApiError:
    wait = max(1, math.ceil(wait_s))
    return ApiError(
        "rate_limited", f"{message}: try again in {wait} seconds", {"Retry-After": str(wait)}
    )


def _start_attempt(
    context: ServerContext, session: Session, limits: dict[str, int], now: int
) -> list[int]:
    """Record a pending attempt against every key; 429 when the key's failures are at its
    limit, or when the attempts under way leave no room. Returns the record's ids, for _end."""
    window_ms = context.settings.login_window_s * 1000
    since, stale_before = now - window_ms, now - PENDING_STALE_MS
    # One attempt at a time records itself and counts the others: counted after all of a burst
    # had recorded themselves, every one of them would see the rest and turn back.
    crud.take_attempts_turn(session)
    ids = crud.record_attempt(session, limits, now, since)
    retry_after, room = 0, True
    for key, limit in limits.items():
        rows = crud.attempts_on(session, key, since, stale_before)
        others = sum(1 for row_id in rows.pending_ids if row_id != ids[key])
        retry_after = max(retry_after, _retry_after_s(rows.failure_times, limit, window_ms, now))
        room = room and len(rows.failure_times) + others < limit
    session.commit()  # the attempt is visible to every worker, and the turn passes on
    if retry_after or not room:
        _end(session, list(ids.values()), failed=False)  # refused unchecked: not a failure
    if retry_after:
        raise _rate_limited("too many failed attempts", retry_after)
    if not room:
        raise _rate_limited("the server is busy checking other sign-ins", BUSY_RETRY_S)
    return list(ids.values())


def _end(session: Session, ids: list[int], *, failed: bool) -> None:
    """Turn the attempt's record into a failure, or forget it."""
    session.commit()  # end any read transaction first
    if failed:
        crud.mark_failed(session, ids)
    else:
        crud.forget_attempts(session, ids)
    session.commit()


def _take_hashing_turn(context: ServerContext) -> None:
    """Wait a little for a turn at password hashing; 429 when none comes (nothing hashed)."""
    if context.password_slots.acquire(timeout=context.settings.password_check_wait_s):
        return
    raise _rate_limited(
        "the server is busy checking passwords", context.settings.password_check_wait_s
    )


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
    responses=errors(403, 409, 413, 422, 429, 507),
)
def register(
    body: RegisterRequest, request: Request, session: SessionDep, context: ContextDep
) -> TokenResponse:
    """Create an account with the family invite code; answers with a token for this device."""
    reject_nul("email", body.email)
    now = context.clock()
    address_key = f"addr:{_address(request)}"
    limits = {address_key: context.settings.login_max_failures_per_address}
    attempt = _start_attempt(context, session, limits, now)
    invite = crud.get_state(session, crud.INVITE_KEY)
    if invite is None or not invite_matches(body.invite_code, invite):
        _end(session, attempt, failed=True)
        raise ApiError("forbidden", "wrong invite code: ask whoever runs the family server")
    taken = crud.username_taken(session, body.username.lower())
    _end(session, attempt, failed=False)  # the right invite code: not a failure
    if taken:
        raise ApiError("conflict", f"username {body.username!r} is taken")
    # No connection is held while hashing: it takes a while.
    _take_hashing_turn(context)
    try:
        password_hash = context.hasher.hash(body.password)
    finally:
        context.password_slots.release()
    try:
        user_id = crud.create_user(session, body.username, body.email, password_hash, now)
        token, expires_at = _issue_token(context, session, user_id, now)
        session.commit()
    except IntegrityError as exc:  # registered by someone else meanwhile
        session.rollback()
        raise ApiError("conflict", f"username {body.username!r} is taken") from exc
    return TokenResponse(token=token, username=body.username, expires_at=format_instant(expires_at))


@router.post("/login", response_model=TokenResponse, responses=errors(401, 413, 422, 429, 507))
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
    attempt = _start_attempt(context, session, limits, now)
    found = crud.credentials(session, username_key)
    session.commit()  # verifying takes a while: do not hold the connection meanwhile
    # An unknown name costs a verification too, so timing does not tell which names exist.
    stored = found.password_hash if found else context.dummy_hash
    try:
        _take_hashing_turn(context)
    except ApiError:
        _end(session, attempt, failed=False)  # never checked: not a failure
        raise
    try:
        verified = verify_password(context.hasher, stored, body.password) and found is not None
        rehashed = None
        if verified and context.hasher.check_needs_rehash(stored):
            rehashed = context.hasher.hash(body.password)
    finally:
        context.password_slots.release()
    if not verified or found is None:
        _end(session, attempt, failed=True)
        raise unauthorized("wrong username or password")
    crud.forget_attempts(session, attempt)
    # A success starts the count afresh (attempts still being checked stay). Committed on its
    # own: other attempts wait for these rows, not for the token's work too.
    crud.clear_failures(session, user_key, now - PENDING_STALE_MS)
    session.commit()
    if rehashed is not None:
        crud.set_password_hash(session, found.id, rehashed)
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
