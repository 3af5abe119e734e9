"""Sync protocol v1: the wire types, which the server and the desktop client both import.

Everything here is plain data (pydantic models and constants), no I/O, so either side can import
it without pulling in the other.

Endpoints (all JSON; errors are `{"error": {"code", "message"}}` with the matching status):

| method and path            | body               | answer            | auth   |
| -------------------------- | ------------------ | ----------------- | ------ |
| GET    /v1/health          |                    | Health            | none   |
| POST   /v1/auth/register   | RegisterRequest    | TokenResponse 201 | invite |
| POST   /v1/auth/login      | LoginRequest       | TokenResponse     | none   |
| POST   /v1/auth/logout     |                    | 204               | token  |
| GET    /v1/account         |                    | Account           | token  |
| GET    /v1/account/export  |                    | AccountExport     | token  |
| DELETE /v1/account         |                    | 204               | token  |
| POST   /v1/sync            | SyncRequest        | SyncResponse      | token  |

Auth is `Authorization: Bearer <token>`: an opaque random token, stored hashed on the server
and only in the OS keyring on a device. A token reaches its own user's data and nothing else.

Sync: the client pushes up to MAX_PUSH_EVENTS unsent events and its cursor; the server stores
the ones it has not seen (idempotent by event id, per user), gives each a per-user monotonic
sequence number, and answers with the ids it holds now (`accepted`: stored now or before), up to
MAX_PULL_EVENTS events (MAX_PULL_CHARS characters of JSON, or one larger event) of the user's
*other* devices after the cursor, the new cursor, `more` when further events wait, and `history`,
which names the server's copy of the account. The client marks outbox rows sent only for
accepted ids, applies pulled events and the new cursor in one transaction, and loops until
`more` is false and its outbox is empty. When `history` changes
or the cursor comes back lower than it sent, the server lost part of the account (a restored
backup, an account made anew): the client sends its whole history again. Requests may be
gzip-compressed (`Content-Encoding: gzip`); MAX_BODY_BYTES applies to the decompressed body
(413 past it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .hlc import HLC_PATTERN
from .ids import UUID_PATTERN
from .limits import (  # noqa: F401  (re-exported: the contract stays in this module)
    API_PREFIX,
    MAX_BODY_BYTES,
    MAX_PAYLOAD_BYTES,
    MAX_PULL_CHARS,
    MAX_PULL_EVENTS,
    MAX_PUSH_EVENTS,
    PROTOCOL_VERSION,
)

# Error codes, with the HTTP status each goes with.
ERROR_STATUS: dict[str, int] = {
    "bad_request": 400,  # not JSON, bad encoding
    "unauthorized": 401,  # no token, unknown or expired token, wrong password
    "forbidden": 403,  # wrong invite code
    "not_found": 404,
    "method_not_allowed": 405,  # the path exists, the method does not
    "conflict": 409,  # username already taken
    "too_large": 413,  # body over MAX_BODY_BYTES
    "invalid": 422,  # a field breaks the schema; the message names it
    "rate_limited": 429,  # too many login attempts; Retry-After says when to try again
    "server_error": 500,
    "storage_full": 507,  # the server's disk is full: nothing was stored; try again later
}

USERNAME_PATTERN = r"^[A-Za-z0-9_.\-]+$"
Username = Annotated[str, StringConstraints(min_length=2, max_length=40, pattern=USERNAME_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]
Email = Annotated[str, StringConstraints(max_length=254)]
DeviceId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
EventId = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
# HLC rendered as 15 digits of wall ms, 6 of counter, then the device id (see hlc.py).
HlcText = Annotated[str, StringConstraints(pattern=HLC_PATTERN)]
# ASCII digits only (\d also takes other scripts' digits).
INSTANT_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z$"
Instant = Annotated[str, StringConstraints(pattern=INSTANT_PATTERN)]
# What each pattern asks for, in words, for 422 messages (a regex means nothing to most people).
PATTERN_WORDS: dict[str, str] = {
    USERNAME_PATTERN: "only letters, digits, '.', '_' or '-'",
    UUID_PATTERN: "a UUID in lowercase hex (8-4-4-4-12 digits)",
    HLC_PATTERN: "a clock as the apps write it (wall time, counter and device id)",
    INSTANT_PATTERN: "a UTC time like 2026-11-22T10:00:00.000Z",
}


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Request(_Wire):
    """What clients send: exact JSON types (strict), so "5", true or 1.0 is no integer."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorDetail(_Wire):
    code: str
    message: str


class ErrorBody(_Wire):
    error: ErrorDetail


class Health(_Wire):
    status: Literal["ok"] = "ok"
    version: str
    protocol: int = PROTOCOL_VERSION


class RegisterRequest(_Request):
    username: Username
    email: Email = ""
    password: Password
    invite_code: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class LoginRequest(_Request):
    username: Username
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class TokenResponse(_Wire):
    token: str
    username: str
    expires_at: Instant


class WireEvent(_Request):
    """One activity event, as events.py's Event.to_dict renders it.

    The server checks the envelope always and the payload of every kind and version it knows
    (with the domain's validators); events of a newer kind or version are stored and passed on.
    """

    id: EventId
    kind: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    hlc: HlcText
    device_id: DeviceId
    occurred_at: Instant
    tz_offset_min: Annotated[int, Field(ge=-16 * 60, le=16 * 60)]
    v: Annotated[int, Field(ge=1, le=1000)] = 1
    payload: dict[str, Any]


class SyncRequest(_Request):
    device_id: DeviceId
    cursor: Annotated[int, Field(ge=0)] = 0
    events: Annotated[list[WireEvent], Field(max_length=MAX_PUSH_EVENTS)] = []


class SyncResponse(_Wire):
    accepted: list[str]  # ids of pushed events the server now holds (new or seen before)
    cursor: int  # pass back next time: everything up to here has been sent to this device
    events: list[WireEvent]  # other devices' events after the request's cursor, in seq order
    more: bool  # more events wait after `cursor`: sync again right away
    # Names the server's copy of this account. When it changes (the account was deleted and
    # made again) or the cursor comes back lower than sent (the server was restored from a
    # backup), the client's history is no longer all on the server: it sends everything again.
    history: str


class Device(_Wire):
    device_id: str
    events: int
    last_seen: Instant | None


class Account(_Wire):
    username: str
    email: str
    created_at: Instant
    events: int
    devices: list[Device]
    # As SyncResponse.history: a profile that synced with this account under another address
    # (the same server, renamed or moved behind a proxy) knows it is the same account.
    history: str


def history_of(user_id: int, created_at: int) -> str:
    """The name of an account's copy on this server (SyncResponse.history, Account.history)."""
    return f"{user_id}-{created_at}"


class AccountExport(_Wire):
    account: Account
    events: list[WireEvent]  # every event of the account, in seq order
