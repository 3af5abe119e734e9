"""All of the server's SQL. Hot paths use Core statements on the ORM's tables (no per-row
objects); every function takes the request's Session and leaves committing to the caller unless
it says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import (
    Dialect,
    Select,
    Table,
    bindparam,
    delete,
    false,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import writer_turn
from .models import Event, LoginFailure, ServerState, Token, User

users: Table = User.__table__  # type: ignore[assignment]
tokens: Table = Token.__table__  # type: ignore[assignment]
events: Table = Event.__table__  # type: ignore[assignment]
failures: Table = LoginFailure.__table__  # type: ignore[assignment]
state: Table = ServerState.__table__  # type: ignore[assignment]

INVITE_KEY = "invite_code"


@dataclass(frozen=True, slots=True)
class AuthUser:
    id: int
    username: str
    seq: int  # the user's last sequence number when the token was checked
    created_at: int  # with id, names this account's history (a recreated account differs)


@dataclass(frozen=True, slots=True)
class Credentials:
    id: int
    username: str
    password_hash: str


@dataclass(frozen=True, slots=True)
class DeviceRow:
    device_id: str
    events: int
    last_seen: int | None


@dataclass(frozen=True, slots=True)
class AccountRow:
    username: str
    email: str
    created_at: int
    events: int
    devices: list[DeviceRow]


class NewEvent(NamedTuple):  # a tuple: a push makes thousands
    id: str
    hlc: str
    kind: str
    body: str


# --- server state ---------------------------------------------------------------------------


def get_state(session: Session, key: str) -> str | None:
    return session.execute(select(state.c.value).where(state.c.key == key)).scalar_one_or_none()


def set_state(session: Session, key: str, value: str) -> None:
    done = session.execute(update(state).where(state.c.key == key).values(value=value))
    if done.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(state).values(key=key, value=value))


# --- users and tokens -----------------------------------------------------------------------


def username_taken(session: Session, username_key: str) -> bool:
    found = session.execute(select(users.c.id).where(users.c.username_key == username_key))
    return found.first() is not None


def create_user(session: Session, username: str, email: str, password_hash: str, now: int) -> int:
    """The new user's id; raises IntegrityError when the username is taken meanwhile."""
    result = session.execute(
        insert(users).values(
            username=username,
            username_key=username.lower(),
            email=email,
            password_hash=password_hash,
            created_at=now,
            seq=0,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[attr-defined]


def credentials(session: Session, username_key: str) -> Credentials | None:
    row = session.execute(
        select(users.c.id, users.c.username, users.c.password_hash).where(
            users.c.username_key == username_key
        )
    ).first()
    return None if row is None else Credentials(row[0], row[1], row[2])


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    session.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def add_token(session: Session, token_hash: str, user_id: int, now: int, expires_at: int) -> None:
    session.execute(
        insert(tokens).values(
            token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
        )
    )


# The hot path's statements are built once: building and keying a statement per request costs
# more CPU than running it.
_USER_BY_TOKEN = (
    select(users.c.id, users.c.username, users.c.seq, users.c.created_at)
    .select_from(tokens.join(users, users.c.id == tokens.c.user_id))
    .where(tokens.c.token_hash == bindparam("b_hash"), tokens.c.expires_at > bindparam("b_now"))
)


def user_by_token(session: Session, token_hash: str, now: int) -> AuthUser | None:
    """The token's user if the token exists and has not expired: one indexed lookup."""
    row = session.execute(_USER_BY_TOKEN, {"b_hash": token_hash, "b_now": now}).first()
    return None if row is None else AuthUser(row[0], row[1], row[2], row[3])


def delete_token(session: Session, token_hash: str) -> None:
    session.execute(delete(tokens).where(tokens.c.token_hash == token_hash))


def delete_expired_tokens(session: Session, user_id: int, now: int) -> None:
    session.execute(delete(tokens).where(tokens.c.user_id == user_id, tokens.c.expires_at <= now))


# --- login failures (rate limit) ------------------------------------------------------------
#
# One row per attempt and key. An attempt is written (and committed by the caller) as pending
# before the password or invite code is checked, so that workers see each other's attempts in
# progress; it becomes a failure when the check fails, and is forgotten when the check succeeds
# or never ran.


@dataclass(frozen=True, slots=True)
class AttemptRows:
    failure_times: list[int]  # oldest first
    pending_ids: list[int]  # attempts being checked


ATTEMPTS_TURN_KEY = "login_attempts_turn"


def take_attempts_turn(session: Session) -> None:
    """Take the turn at recording and counting sign-in attempts, held until the transaction
    ends, across every worker: so the k-th to take it sees the k-1 before it, and a burst of
    attempts never all see each other and all turn back. A lock on one row of the state table
    (PostgreSQL, MariaDB); SQLite lets one writer in at a time, which is the same turn."""
    if session.get_bind().dialect.name == "sqlite":
        return
    turn = select(state.c.value).where(state.c.key == ATTEMPTS_TURN_KEY).with_for_update()
    if session.execute(turn).first() is not None:
        return
    try:
        with session.begin_nested():  # the first attempt ever: the row is made
            session.execute(insert(state).values(key=ATTEMPTS_TURN_KEY, value=""))
    except IntegrityError:  # made meanwhile by another worker
        pass
    session.execute(turn).first()


def record_attempt(
    session: Session, keys: Iterable[str], now: int, prune_before: int
) -> dict[str, int]:
    """Record a pending attempt against each key; each key's row id."""
    keys = list(keys)
    # Old rows no longer count: drop them as we go so the table stays small.
    _delete_ids(
        session,
        select(failures.c.id).where(failures.c.key.in_(keys), failures.c.at <= prune_before),
    )
    ids = {}
    for key in keys:
        result = session.execute(insert(failures).values(key=key, at=now, pending=True))
        ids[key] = int(result.inserted_primary_key[0])  # type: ignore[attr-defined]
    return ids


def attempts_on(session: Session, key: str, since: int, stale_before: int) -> AttemptRows:
    """The key's failures and pending attempts after `since`. An attempt still pending at
    `stale_before` was cut short (its worker died mid-check): it counts as a failure."""
    rows = session.execute(
        select(failures.c.id, failures.c.at, failures.c.pending)
        .where(failures.c.key == key, failures.c.at > since)
        .order_by(failures.c.at)
    )
    times, pending = [], []
    for row_id, at, is_pending in rows:
        if is_pending and at > stale_before:
            pending.append(row_id)
        else:
            times.append(at)
    return AttemptRows(times, pending)


def mark_failed(session: Session, ids: Iterable[int]) -> None:
    session.execute(update(failures).where(failures.c.id.in_(list(ids))).values(pending=False))


def forget_attempts(session: Session, ids: Iterable[int]) -> None:
    session.execute(delete(failures).where(failures.c.id.in_(list(ids))))


def clear_failures(session: Session, key: str, stale_before: int) -> None:
    """Forget the key's failures (attempts still being checked stay)."""
    _delete_ids(
        session,
        select(failures.c.id).where(
            failures.c.key == key,
            (failures.c.pending == false()) | (failures.c.at <= stale_before),
        ),
    )


def _delete_ids(session: Session, rows: Select[tuple[int]]) -> None:
    """Delete these rows by primary key, in its order. A DELETE that scans the key's index
    locks rows other attempts are writing, in another order: MariaDB found deadlocks."""
    ids = sorted(session.execute(rows).scalars())
    if ids:
        session.execute(delete(failures).where(failures.c.id.in_(ids)))


# --- events ---------------------------------------------------------------------------------


# Takes the user's row lock and reserves `b_count` seqs at once.
_RESERVE_SEQS = (
    update(users)
    .where(users.c.id == bindparam("b_user"))
    .values(last_sync_at=bindparam("b_now"), seq=users.c.seq + bindparam("b_count"))
)
_USER_SEQ = select(users.c.seq).where(users.c.id == bindparam("b_user"))
_EVENT_COLUMNS = "user_id, id, seq, device_id, hlc, kind, body, received_at"
# Each driver's placeholder: the insert of a push goes to the driver as it is, a list of tuples
# (SQLAlchemy's per-row parameter processing costs more than SQLite's insert itself).
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_PULL = (
    select(events.c.seq, events.c.body)
    .where(
        events.c.user_id == bindparam("b_user"),
        events.c.seq > bindparam("b_after"),
        events.c.seq <= bindparam("b_upto"),
        events.c.device_id != bindparam("b_device"),
    )
    .order_by(events.c.seq)
    .limit(bindparam("b_limit"))
)


def push(
    session: Session, user_id: int, device_id: str, new: Sequence[NewEvent], now: int
) -> tuple[int, int] | None:
    """Store the events not stored before, numbered after the user's last seq; commits.

    Returns the user's seq before and after this push, or None when the user no longer exists.
    The row lock is held only for the few statements that need it: the UPDATE that reserves a
    seq per event (SQLite: the write lock), the insert and the commit. Pushes of one user are so
    serialised, and seqs become visible strictly in order: a concurrent pull can never skip one.
    The insert skips events stored before (a retried push), leaving their seqs unused: seqs
    only ever grow, and a cursor between them loses nothing.
    """
    fresh: dict[str, NewEvent] = {}
    for event in new:
        fresh.setdefault(event.id, event)  # a duplicate in one request is stored once
    with writer_turn(session.get_bind()):
        seq = _insert(session, user_id, device_id, list(fresh.values()), now)
        session.commit()
    return None if seq is None else (seq - len(fresh), seq)


def _insert(
    session: Session, user_id: int, device_id: str, fresh: list[NewEvent], now: int
) -> int | None:
    params = {"b_user": user_id, "b_now": now, "b_count": len(fresh)}
    connection = session.connection()
    if connection.dialect.update_returning:
        row = session.execute(_RESERVE_SEQS.returning(users.c.seq), params).first()
        if row is None:
            return None
        seq = int(row[0])
    else:  # MariaDB: no UPDATE ... RETURNING
        if session.execute(_RESERVE_SEQS, params).rowcount != 1:  # type: ignore[attr-defined]
            return None
        seq = session.execute(_USER_SEQ, {"b_user": user_id}).scalar_one()
    if fresh:
        first = seq - len(fresh) + 1
        rows = [
            (user_id, e.id, first + n, device_id, e.hlc, e.kind, e.body, now)
            for n, e in enumerate(fresh)
        ]
        connection.exec_driver_sql(_insert_events(connection.dialect), rows)
    return seq


def _insert_events(dialect: Dialect) -> str:
    """The driver's INSERT of events that leaves out those stored before (same user and id)."""
    mark = _PLACEHOLDER[dialect.paramstyle]
    insert_rows = f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES ({', '.join([mark] * 8)})"
    if dialect.name in ("mysql", "mariadb"):
        return f"{insert_rows} ON DUPLICATE KEY UPDATE id = id"
    return f"{insert_rows} ON CONFLICT (user_id, id) DO NOTHING"


def pull(
    session: Session, user_id: int, device_id: str, after: int, upto: int, limit: int
) -> list[tuple[int, str]]:
    """(seq, body) of other devices' events with after < seq <= upto, in seq order."""
    rows = session.execute(
        _PULL,
        {
            "b_user": user_id,
            "b_after": after,
            "b_upto": upto,
            "b_device": device_id,
            "b_limit": limit,
        },
    )
    return [(seq, body) for seq, body in rows]


def all_bodies(session: Session, user_id: int) -> list[str]:
    rows = session.execute(
        select(events.c.body).where(events.c.user_id == user_id).order_by(events.c.seq)
    )
    return list(rows.scalars())


def account(session: Session, user_id: int) -> AccountRow | None:
    user = session.execute(
        select(users.c.username, users.c.email, users.c.created_at).where(users.c.id == user_id)
    ).first()
    if user is None:
        return None
    per_device = session.execute(
        select(events.c.device_id, func.count(), func.max(events.c.received_at))
        .where(events.c.user_id == user_id)
        .group_by(events.c.device_id)
        .order_by(events.c.device_id)
    )
    devices = [DeviceRow(device, int(count), last) for device, count, last in per_device]
    total = sum(device.events for device in devices)
    return AccountRow(user[0], user[1], user[2], total, devices)


def delete_user(session: Session, user_id: int, username_key: str, now: int) -> None:
    """Erase the user and everything of theirs (events, tokens, login failures), and commit."""
    # Lock the row first, as a push does, so a push running meanwhile finishes before or fails.
    session.execute(update(users).where(users.c.id == user_id).values(last_sync_at=now))
    session.execute(delete(events).where(events.c.user_id == user_id))
    session.execute(delete(tokens).where(tokens.c.user_id == user_id))
    session.execute(delete(failures).where(failures.c.key == f"user:{username_key}"))
    session.execute(delete(users).where(users.c.id == user_id))
    session.commit()
