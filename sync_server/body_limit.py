"""ASGI middleware: gzip request bodies and the body size limit (413), before any parsing.

The limit applies to the decompressed body, and decompression stops as soon as it is passed,
so a small gzip bomb costs at most MAX_BODY_BYTES of memory.
"""

from __future__ import annotations

import zlib
from typing import Any

from aidioma_protocol.limits import MAX_BODY_BYTES
from aidioma_protocol.wire import ERROR_STATUS

from .errors import error_body

Scope = dict[str, Any]
Message = dict[str, Any]

# A client that sends more than this is cut off without reading the rest.
_DRAIN_LIMIT = 4 * MAX_BODY_BYTES


class TooLarge(Exception):
    pass


class BadBody(Exception):
    pass


class _Gunzip:
    """Streaming gzip decoding (several members allowed) with an output cap."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.in_member = False  # the current decoder has been fed part of a member

    def feed(self, data: bytes) -> None:
        while data:
            self.in_member = True
            try:
                out = self.decoder.decompress(data, self.limit - self.size + 1)
            except zlib.error as exc:
                raise BadBody("the body is not valid gzip") from exc
            self.size += len(out)
            if self.size > self.limit:
                raise TooLarge
            self.parts.append(out)
            if self.decoder.eof:  # a member ended: what follows is the next member
                data = self.decoder.unused_data
                self.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self.in_member = False
            else:
                data = self.decoder.unconsumed_tail

    def finish(self) -> bytes:
        if self.in_member:
            raise BadBody("the gzip body is truncated")
        return b"".join(self.parts)


class BodyLimitMiddleware:
    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {key.lower(): value for key, value in scope["headers"]}
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding not in (b"identity", b"gzip", b""):
            await _answer(send, "bad_request", "Content-Encoding must be gzip or identity")
            return
        try:
            body = await self._read(receive, gzip=encoding == b"gzip")
        except TooLarge:
            await _answer(send, "too_large", f"the body is over {self.limit} bytes")
            return
        except BadBody as exc:
            await _answer(send, "bad_request", str(exc))
            return
        # Downstream sees a plain body of the right length.
        scope = dict(scope)
        scope["headers"] = [
            (key, value)
            for key, value in scope["headers"]
            if key.lower() not in (b"content-encoding", b"content-length")
        ] + [(b"content-length", str(len(body)).encode())]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            message: Message = await receive()  # after the body: wait for the disconnect as usual
            return message

        await self.app(scope, replay, send)

    async def _read(self, receive: Any, gzip: bool) -> bytes:
        """The whole (decompressed) body. On an error it still reads what the client sends, up
        to a bound, so that the client gets to see the answer instead of a broken pipe."""
        gunzip = _Gunzip(self.limit) if gzip else None
        parts: list[bytes] = []
        size = 0
        error: Exception | None = None
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise BadBody("the client went away")
            chunk = message.get("body", b"")
            size += len(chunk)
            if error is None:
                try:
                    if gunzip is not None:
                        gunzip.feed(chunk)
                    elif size > self.limit:
                        raise TooLarge
                    else:
                        parts.append(chunk)
                except (TooLarge, BadBody) as exc:
                    error = exc
                    parts = []
                    gunzip = None
            if not message.get("more_body", False) or size > _DRAIN_LIMIT:
                break
        if error is not None:
            raise error
        return gunzip.finish() if gunzip is not None else b"".join(parts)


async def _answer(send: Any, code: str, message: str) -> None:
    body = error_body(code, message)
    await send(
        {
            "type": "http.response.start",
            "status": ERROR_STATUS[code],
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
