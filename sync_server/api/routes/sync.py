"""POST /v1/sync: push unsent events, pull the other devices' events after the cursor.

Correctness first: pushes are idempotent by (user, event id), seqs become visible in order
(crud.push), and the pull only looks at seqs up to a value read before it, so the cursor it
hands back never passes an event the caller has not been sent.
"""

from __future__ import annotations

import pydantic_core
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import ValidationError

from aidioma_desktop.domain.events import (
    SCHEMA_VERSION,
    SPECS,
    EventError,
    parse_instant,
    validate_payload,
)

from ... import crud
from ...errors import ApiError, unauthorized
from ...protocol import MAX_PAYLOAD_BYTES, MAX_PULL_EVENTS, SyncRequest, SyncResponse, WireEvent
from ..deps import BearerDep, ContextDep, ServerContext, authenticate
from ..docs import errors
from ..routing import StrictJsonRoute
from .common import dumps, reject_nul

router = APIRouter(tags=["sync"], route_class=StrictJsonRoute)


def _prepare(events: list[WireEvent]) -> list[crud.NewEvent]:
    """Validate each event with the domain's rules and render its canonical JSON.

    Equivalent to the domain's Event.from_dict, minus what WireEvent has already checked (id,
    clock, lengths, ranges): from_dict would check those again and make a push 40% slower.
    tests/sync_server check that every stored event passes Event.from_dict.
    """
    prepared = []
    for index, event in enumerate(events):
        # Built by hand rather than by model_dump(), which costs more than all the rest: the
        # payload is the parsed JSON object itself (pydantic passes dict[str, Any] values on).
        data = {
            "id": event.id,
            "kind": event.kind,
            "hlc": event.hlc,
            "device_id": event.device_id,
            "occurred_at": event.occurred_at,
            "tz_offset_min": event.tz_offset_min,
            "v": event.v,
            "payload": event.payload,
        }
        try:
            parse_instant(event.occurred_at)  # the pattern allows a 31st of February
            if event.kind in SPECS and event.v <= SCHEMA_VERSION:
                validate_payload(event.kind, event.payload)
                # Every value is now checked (finite numbers, plain types): the fast encoder
                # is safe. Unknown kinds' payloads, unchecked, go through the strict one.
                body = pydantic_core.to_json(data).decode()
            else:
                body = dumps(data)
        except EventError as exc:
            raise ApiError("invalid", f"events[{index}].{exc}") from exc
        except ValueError as exc:  # NaN or infinity somewhere in an unknown kind's payload
            raise ApiError("invalid", f"events[{index}].payload: {exc}") from exc
        for name in ("kind", "hlc", "device_id"):
            reject_nul(f"events[{index}].{name}", data[name])
        # The whole body bounds the payload; measure the payload alone only when it might be big.
        if len(body) * 4 > MAX_PAYLOAD_BYTES and (
            len(dumps(event.payload).encode()) > MAX_PAYLOAD_BYTES
        ):
            raise ApiError(
                "invalid", f"events[{index}].payload: over {MAX_PAYLOAD_BYTES} bytes as JSON"
            )
        prepared.append(crud.NewEvent(event.id, event.hlc, event.kind, body))
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
    responses=errors(400, 401, 413, 422),
    openapi_extra=_SYNC_BODY,
)
async def sync(request: Request, credentials: BearerDep, context: ContextDep) -> Response:
    """Store the pushed events (once each) and answer with the other devices' events."""
    raw = await request.body()
    # The hot path: all its work (parsing, database and CPU) in one hop to the thread pool,
    # rather than one per dependency as with SessionDep and CallerDep.
    content = await run_in_threadpool(_sync, raw, credentials, context)
    return Response(content, media_type="application/json")


def _parse(raw: bytes) -> SyncRequest:
    """The request, or RequestValidationError (422 naming the field; 400 when not JSON)."""
    try:
        if b"NaN" in raw or b"Infinity" in raw:
            # pydantic-core's one-pass parser takes these literals in free-form payloads; the
            # strict parser refuses them (400). Rare, so the slower path is fine here.
            return SyncRequest.model_validate(pydantic_core.from_json(raw, allow_inf_nan=False))
        return SyncRequest.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from exc
    except ValueError as exc:  # from_json: not JSON at all
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


def _sync(
    raw: bytes, credentials: HTTPAuthorizationCredentials | None, context: ServerContext
) -> bytes:
    body = _parse(raw)
    with context.sessions() as session:
        caller = authenticate(session, context, credentials)
        reject_nul("device_id", body.device_id)
        new = _prepare(body.events)
        user = caller.user
        upto = user.seq
        if new:
            pushed = crud.push(session, user.id, body.device_id, new, context.clock())
            if pushed is None:
                raise unauthorized("the account no longer exists")
            upto = pushed
        # A cursor past the user's last seq comes from another history (a restored server, a
        # recreated account): start over, the client skips the events it already holds.
        after = body.cursor if body.cursor <= upto else 0
        rows = crud.pull(session, user.id, body.device_id, after, upto, MAX_PULL_EVENTS + 1)
        session.commit()  # after a push: releases the user's row lock
    more = len(rows) > MAX_PULL_EVENTS
    if more:
        rows = rows[:MAX_PULL_EVENTS]
        cursor = rows[-1][0]
    else:
        cursor = upto
    accepted = list(dict.fromkeys(event.id for event in new))
    # Stored bodies are joined as they are, not parsed and re-serialised.
    content = (
        f'{{"accepted":{dumps(accepted)},"cursor":{cursor},'
        f'"events":[{",".join(event_body for _seq, event_body in rows)}],'
        f'"more":{"true" if more else "false"},'
        f'"history":"{user.id}-{user.created_at}"}}'
    )
    return content.encode()
