"""The route class every router uses: request bodies parsed by pydantic-core's JSON parser.

It is faster than the json module on the sync hot path and stricter where it matters: it
rejects lone surrogates (which no database could store) and NaN/Infinity literals. Every body
is read as JSON whatever its Content-Type says (as /v1/sync does): otherwise FastAPI hands the
raw bytes to validation, and its message would echo them, password and all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

import pydantic_core
from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.types import Scope


class _StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = pydantic_core.from_json(body, allow_inf_nan=False)
            except ValueError as exc:
                # FastAPI turns JSONDecodeError into a json_invalid error: our 400.
                raise json.JSONDecodeError(str(exc), body.decode("utf-8", "replace"), 0) from exc
        return self._json


def _as_json(scope: Scope) -> Scope:
    """The scope with its Content-Type set to JSON, so FastAPI parses the body as JSON."""
    headers = [(name, value) for name, value in scope["headers"] if name != b"content-type"]
    return {**scope, "headers": [*headers, (b"content-type", b"application/json")]}


class StrictJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            return await handler(_StrictJsonRequest(_as_json(request.scope), request.receive))

        return route
