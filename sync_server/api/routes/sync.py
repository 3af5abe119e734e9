"""POST /v1/sync: push unsent events, pull the other devices' events after the cursor.

Correctness first: pushes are idempotent by (user, event id), seqs become visible in order
(crud.push), and the pull only looks at seqs up to a value read before it, so the cursor it
hands back never passes an event the caller has not been sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pydantic_core
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import ValidationError

from aidioma_protocol.checks import EventError
from aidioma_protocol.events import canonical_envelope, parse_instant
from aidioma_protocol.gc_pause import gc_paused
from aidioma_protocol.limits import (
    MAX_PAYLOAD_BYTES,
    MAX_PULL_CHARS,
    MAX_PULL_EVENTS,
    MAX_PUSH_EVENTS,
)
from aidioma_protocol.payloads import SCHEMA_VERSION, SPECS, validate_payload
from aidioma_protocol.wire import (
    INSTANT_PATTERN,
    SyncRequest,
    SyncResponse,
    WireEvent,
    history_of,
)

from ... import crud
from ...errors import ApiError, unauthorized
from ..deps import BearerDep, ContextDep, ServerContext, authenticate
from ..docs import errors
from ..routing import StrictJsonRoute
from .common import accepts_gzip, dumps, json_answer, reject_nul

router = APIRouter(tags=["sync"], route_class=StrictJsonRoute)


_WIRE_ORDER = tuple(WireEvent.model_fields)  # the canonical order of an event's keys


def _prepare(events: list[dict[str, Any]]) -> list[crud.NewEvent]:
    """Validate each event's payload with the domain's rules and render its canonical JSON.

    Equivalent to the domain's Event.from_dict, minus what _parse has already checked (the
    envelope: id, clock, lengths, ranges): from_dict would check those again and make a push
    40% slower. tests/sync_server check that every stored event passes Event.from_dict.
    """
    prepared = []
    for index, event in enumerate(events):
        # The canonical key order, whatever the client's: the stored text is the same for all.
        # The apps write it so: their event is used as it is.
        data = event if tuple(event) == _WIRE_ORDER else {k: event[k] for k in _WIRE_ORDER}
        kind, payload = data["kind"], data["payload"]
        try:
            parse_instant(data["occurred_at"])  # the pattern allows a 31st of February
            if kind in SPECS and data["v"] <= SCHEMA_VERSION:
                validate_payload(kind, payload, data["v"])
                # Every value is now checked (finite numbers, plain types): the fast encoder
                # is safe. Unknown kinds' payloads, unchecked, go through the strict one.
                body = pydantic_core.to_json(data).decode()
            else:
                body = dumps(data)
        except EventError as exc:
            raise ApiError("invalid", f"events[{index}].{exc}") from exc
        except ValueError as exc:  # NaN or infinity somewhere in an unknown kind's payload
            raise ApiError("invalid", f"events[{index}].payload: {exc}") from exc
        if "\x00" in kind or "\x00" in data["hlc"] or "\x00" in data["device_id"]:
            for name in ("kind", "hlc", "device_id"):
                reject_nul(f"events[{index}].{name}", data[name])
        # The whole body bounds the payload; measure the payload alone only when it might be big.
        if len(body) * 4 > MAX_PAYLOAD_BYTES and (len(dumps(payload).encode()) > MAX_PAYLOAD_BYTES):
            raise ApiError(
                "invalid", f"events[{index}].payload: over {MAX_PAYLOAD_BYTES} bytes as JSON"
            )
        prepared.append(crud.NewEvent(data["id"], data["hlc"], kind, body))
    return prepared


# The body is parsed and validated in one pass by pydantic-core (model_validate_json) rather
# than by FastAPI (JSON to Python objects, then validation): a third less work per push. So the
# request schema is declared here for OpenAPI; WireEvent is in its components already.
_SYNC_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    k: v
                    for k, v in SyncRequest.model_json_schema(
                        ref_template="#/components/schemas/{model}"
                    ).items()
                    if k != "$defs"
                }
            }
        },
    }
}


@router.post(
    "/sync",
    response_model=SyncResponse,
    responses=errors(400, 401, 413, 422, 507),
    openapi_extra=_SYNC_BODY,
)
async def sync(request: Request, credentials: BearerDep, context: ContextDep) -> Response:
    """Store the pushed events (once each) and answer with the other devices' events."""
    raw = await request.body()
    # The hot path: all its work (parsing, database, CPU and compression) in one hop to the
    # thread pool, rather than one per dependency as with SessionDep and CallerDep.
    work = _sync_paused if len(raw) > _LARGE_BODY_BYTES else _sync
    compress = accepts_gzip(request.headers)
    return await run_in_threadpool(lambda: json_answer(work(raw, credentials, context), compress))


@dataclass(frozen=True, slots=True)
class _Push:
    device_id: str
    cursor: int
    events: list[dict[str, Any]]  # each a WireEvent's fields, checked


def _parse(raw: bytes) -> _Push:
    """The request, or RequestValidationError (422 naming the field; 400 when not JSON).

    A request as the apps write it is checked here in a few comparisons per event: the same
    rules as SyncRequest's, or stricter (exact types, no defaults). Anything else, and every
    request that breaks a rule, goes through SyncRequest itself, which accepts exactly what it
    accepted before and names the field that is wrong. The model costs a third of a push.
    """
    try:
        data = pydantic_core.from_json(raw, allow_inf_nan=False)
    except ValueError as exc:  # not JSON, or NaN / Infinity literals
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body",),
                    "msg": str(exc),
                    "ctx": {"error": str(exc)},
                }
            ]
        ) from exc
    if _canonical_request(data):
        return _Push(data["device_id"], data.get("cursor", 0), data.get("events", []))
    try:
        body = SyncRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from exc
    return _Push(body.device_id, body.cursor, [e.model_dump() for e in body.events])


_REQUEST_KEYS = frozenset(SyncRequest.model_fields)
_INSTANT = re.compile(INSTANT_PATTERN).fullmatch


def _canonical_request(data: Any) -> bool:
    """Whether SyncRequest (and each WireEvent) certainly accepts `data` as it is."""
    if type(data) is not dict or not _REQUEST_KEYS.issuperset(data):
        return False
    device_id, cursor, events = data.get("device_id"), data.get("cursor", 0), data.get("events", [])
    return (
        type(device_id) is str
        and 0 < len(device_id) <= 64
        and type(cursor) is int
        and cursor >= 0
        and type(events) is list
        and len(events) <= MAX_PUSH_EVENTS
        # The domain's own check of an envelope, and the wire's stricter form of its time.
        and all(canonical_envelope(e) and _INSTANT(e["occurred_at"]) for e in events)
    )


def _page(rows: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], bool]:
    """The head of `rows` (read one past MAX_PULL_EVENTS) that one answer carries, and whether
    more events wait: at most MAX_PULL_EVENTS events and MAX_PULL_CHARS characters of their
    JSON, and at least one event."""
    size = 0
    for count, (_seq, event_body) in enumerate(rows):
        size += len(event_body)
        if count == MAX_PULL_EVENTS or (size > MAX_PULL_CHARS and count > 0):
            return rows[:count], True
    return rows, False


# A large push (thousands of events) runs with the cycle collector paused (see gc_pause.py);
# small ones do not, so a busy server still collects.
_LARGE_BODY_BYTES = 256 * 1024


def _sync_paused(
    raw: bytes, credentials: HTTPAuthorizationCredentials | None, context: ServerContext
) -> bytes:
    with gc_paused():
        return _sync(raw, credentials, context)


def _sync(
    raw: bytes, credentials: HTTPAuthorizationCredentials | None, context: ServerContext
) -> bytes:
    body = _parse(raw)
    with context.sessions() as session:
        caller = authenticate(session, context, credentials)
        reject_nul("device_id", body.device_id)
        new = _prepare(body.events)
        user = caller.user
        # Pulled first, outside the push's lock: every event up to the seq the token check read
        # is committed (a push commits its events with the seq). The cursor handed back covers
        # this push's events too unless another device's came in between.
        seen = upto = user.seq
        # A cursor past the user's last seq comes from another history (a restored server, a
        # recreated account): start over, the client skips the events it already holds.
        after = body.cursor if body.cursor <= seen else 0
        rows = crud.pull(session, user.id, body.device_id, after, seen, MAX_PULL_EVENTS + 1)
        if new:
            pushed = crud.push(session, user.id, body.device_id, new, context.clock())
            if pushed is None:
                raise unauthorized("the account no longer exists")
            before, after_push = pushed
            if before == seen:  # nothing of another device's came in between: all ours
                upto = after_push
    rows, more = _page(rows)
    cursor = rows[-1][0] if more else upto
    accepted = list(dict.fromkeys(event.id for event in new))
    # Stored bodies are joined as they are, not parsed and re-serialised.
    content = (
        f'{{"accepted":{dumps(accepted)},"cursor":{cursor},'
        f'"events":[{",".join(event_body for _seq, event_body in rows)}],'
        f'"more":{"true" if more else "false"},'
        f'"history":"{history_of(user.id, user.created_at)}"}}'
    )
    return content.encode()
