"""Small helpers the routers share."""

from __future__ import annotations

import gzip
import json

from starlette.datastructures import Headers
from starlette.responses import Response

from ...errors import ApiError

_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def dumps(value: object) -> str:
    """Canonical compact JSON, as events are stored and served."""
    return _compact(value)


def reject_nul(field: str, value: str) -> None:
    # PostgreSQL cannot store NUL in text, and no legitimate name or id contains one.
    if "\x00" in value:
        raise ApiError("invalid", f"{field}: must not contain NUL characters")


GZIP_ABOVE_BYTES = 32 * 1024  # smaller answers are not worth compressing


def accepts_gzip(headers: Headers) -> bool:
    """Whether the request's Accept-Encoding takes gzip (named, or as *, with q above 0)."""
    weights: dict[str, float] = {}
    for item in headers.get("accept-encoding", "").split(","):
        name, *params = item.split(";")
        q = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.strip().lower()] = q
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def json_answer(content: bytes, compress: bool) -> Response:
    """A JSON answer, gzip-compressed when `compress` and large enough: a first sync moves tens
    of megabytes, a sixth of that compressed (level 1: most of the gain for little CPU; zlib
    frees Python's lock meanwhile, so call this on a worker thread)."""
    if compress and len(content) > GZIP_ABOVE_BYTES:
        return Response(
            gzip.compress(content, compresslevel=1, mtime=0),
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    return Response(content, media_type="application/json", headers={"Vary": "Accept-Encoding"})
