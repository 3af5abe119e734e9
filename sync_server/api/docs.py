"""OpenAPI descriptions of the error answers, shared by the routers."""

from __future__ import annotations

from typing import Any

from aidioma_protocol.wire import ErrorBody

_TEXT = {
    400: "Not JSON, or a bad encoding",
    401: "No token, an unknown or expired token, or a wrong password",
    403: "Wrong invite code",
    409: "Username already taken",
    413: "Body over MAX_BODY_BYTES (after decompression)",
    422: "A field breaks the schema; the message names it",
    429: "Too many failed attempts; see Retry-After",
    507: "The server's disk is full: nothing was stored",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": _TEXT[status]} for status in statuses}
