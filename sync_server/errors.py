"""Every error leaves the server as `{"error": {"code", "message"}}` with protocol's status."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from aidioma_protocol.wire import ERROR_STATUS, PATTERN_WORDS

_CODE_FOR_STATUS = {status: code for code, status in ERROR_STATUS.items()}
# Fields whose value a message never shows: answers end up in logs, proxies and screenshots.
SECRET_FIELDS = frozenset({"password", "invite_code", "token"})


log = logging.getLogger("uvicorn.error")  # where uvicorn logs a failed request's traceback

STORAGE_FULL = (
    "the sync server's disk is full, so it stored nothing: tell whoever runs it to free some "
    "space. Your progress is kept on your computer and will be sent then"
)


class ApiError(Exception):
    def __init__(self, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = ERROR_STATUS[code]
        self.headers = headers or {}


def unauthorized(message: str = "sign in again: no valid token") -> ApiError:
    return ApiError("unauthorized", message, {"WWW-Authenticate": "Bearer"})


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()


def error_response(code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        error_body(code, message),
        status_code=ERROR_STATUS[code],
        media_type="application/json",
        headers=headers,
    )


def field_path(loc: Sequence[Any]) -> str:
    """("body", "events", 3, "payload") -> "events[3].payload"."""
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _is_secret(loc: Sequence[Any]) -> bool:
    return any(part in SECRET_FIELDS for part in loc if isinstance(part, str))


def _what_is_wrong(error: dict[str, Any]) -> str:
    """The error in words: its bounds or the pattern's meaning, never the value."""
    kind, ctx = error.get("type"), error.get("ctx") or {}
    if kind == "string_too_short":
        if ctx["min_length"] == 1:
            return "must not be empty"
        return f"must be at least {ctx['min_length']} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a JSON object"
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(str(ctx.get("pattern")), "in the expected form")
        return f"must be {words}"
    return str(error.get("msg", "invalid"))


def _shown_input(error: dict[str, Any]) -> str | None:
    """The offending value for the message, when it is safe and useful to show: a plain value
    of a field that is not secret. Never a whole body or object (it may hold a password)."""
    loc = error.get("loc", ())
    if "input" not in error or error.get("type") in ("missing", "extra_forbidden"):
        return None
    value = error["input"]
    if _is_secret(loc) or field_path(loc) == "body":
        return None
    if value is not None and not isinstance(value, str | int | float | bool):
        return None
    shown = repr(value)
    return shown[:57] + "..." if len(shown) > 60 else shown


def _validation_message(exc: RequestValidationError) -> tuple[str, str]:
    errors = exc.errors()
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error") or error.get("msg", "")
            return "bad_request", f"the body is not valid JSON: {reason}"
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    message = f"{field_path(first.get('loc', ()))}: {_what_is_wrong(first)}"
    shown = _shown_input(first)
    if shown is not None:
        message += f", got {shown}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return "invalid", message


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return error_response(exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        code, message = _validation_message(exc)
        return error_response(code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        code = _CODE_FOR_STATUS.get(exc.status_code)
        if code is None:
            code = "server_error" if exc.status_code >= 500 else "bad_request"
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404:
            message = "no such endpoint"
        return error_response(code, message, dict(exc.headers or {}))

    @app.exception_handler(DBAPIError)
    async def _database(_request: Request, exc: DBAPIError) -> Response:
        if disk_full(exc):
            # One line for whoever runs the server, not a traceback to dig it out of.
            log.error(
                "The database's disk is full (%s): it stores nothing until there is room.", exc.orig
            )
            return error_response("storage_full", STORAGE_FULL)
        raise exc  # any other failure: a 500 and its traceback in the log, as below

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, _exc: Exception) -> Response:
        # Starlette re-raises after this answer, so the server logs the traceback; the client
        # never sees it.
        return error_response("server_error", "the server failed; try again later")


# MariaDB's ER_DISK_FULL and ER_RECORD_FILE_FULL ("The table is full": InnoDB cannot grow it).
_MARIADB_FULL = frozenset({1021, 1114})


def disk_full(exc: DBAPIError) -> bool:
    """Whether the database refused a write for want of disk space."""
    cause = exc.orig
    if isinstance(cause, sqlite3.Error):
        return cause.sqlite_errorcode == sqlite3.SQLITE_FULL
    if getattr(cause, "sqlstate", None) == "53100":  # PostgreSQL: disk_full
        return True
    args: tuple[Any, ...] = getattr(cause, "args", ())
    return bool(args) and args[0] in _MARIADB_FULL
