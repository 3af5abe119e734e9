"""A model server for tests: real HTTP on 127.0.0.1 that speaks Ollama's native API, the
OpenAI-compatible API and Anthropic's Messages API, with a behaviour scripted per test.

    with StandIn(key="sk-test") as server:
        server.script(Fail(429, retry_after="2"), Reply("Hola, ¿qué tal?", tokens_out=5))
        ollama = make_provider("ollama", server.url, "tutor-small", key="sk-test")
        openai = make_provider("openai", server.url + "/v1", "tutor-small", key="sk-test")
        claude = make_provider("anthropic", server.url, "tutor-small", key="sk-test")
        server.requests[-1].body["messages"]      # what the client sent

Each chat request takes the next scripted step (`Reply` or `Fail`); with none left it gets
`server.default`. Some answers are not scripted but real checks, in each format's own words:
a key other than `server.key` gets 401, a model not in `server.models` gets 404, a conversation
of more than `server.context_tokens` words gets 400 (OpenAI-compatible and Anthropic; Ollama
quietly cuts the start of a long conversation, and so does this stand-in: it answers).

A reply is streamed one word at a time (`tokens_per_s`: 0 sends them as fast as it can). It
can wait for `server.release` after some words (`hold_after=0`: a slow first token), cut the
connection (`drop_after`), send the format's own mid-stream error (`error_after`), or be a
web page instead of the format (`page`: the login page of a hotel's wifi). With a
schema in the request, `data` or `json_text` is the structured answer: the message text for
Ollama and OpenAI, a `tool_use` block for Anthropic; `text` alone is a model that answered in
plain words instead.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.live_server import START_TIMEOUT_S, _listening_socket

MODELS = ("tutor-small", "tutor-large", "tutor-tiny")
CREATED = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class Reply:
    text: str = "Hola, ¿qué tal?"
    data: dict[str, Any] | None = None  # the structured answer, sent as JSON
    json_text: str | None = None  # the structured answer's text as it is (malformed JSON)
    tokens_in: int = 12  # the usage this server reports
    tokens_out: int = 5
    tokens_per_s: float = 0  # words a second; 0: no pause
    hold_after: int | None = None  # wait for `release` after this many words
    drop_after: int | None = None  # cut the connection after this many words
    error_after: int | None = None  # the format's mid-stream error after this many words
    finish: str = "stop"  # "length": the model reached max_tokens
    page: str | None = None  # answered instead, as text/html: a hotel wifi's login page

    def structured(self) -> str | None:
        if self.json_text is not None:
            return self.json_text
        return None if self.data is None else json.dumps(self.data, ensure_ascii=False)


@dataclass(frozen=True)
class Fail:
    """An HTTP error before any answer: 429 (rate limit, or `code="insufficient_quota"`),
    500, 503, 529 (Anthropic's overloaded)."""

    status: int
    retry_after: str | None = None
    code: str = ""


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any] | None


class _Dropped(Exception):
    """Raised inside a stream to cut the connection: uvicorn then closes it mid-body."""


class _QuietDrops(logging.Filter):
    """uvicorn logs the deliberate cut as an application error; only that is kept quiet."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, BaseExceptionGroup):
            return not error.subgroup(_Dropped)
        return not isinstance(error, _Dropped)


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


def words(text: str) -> list[str]:
    """`text` in streamed pieces: each word with the spaces after it (they join back)."""
    return re.findall(r"\S+\s*|\s+", text)


def sse(data: dict[str, Any] | str, event: str | None = None) -> str:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"


@dataclass
class StandIn:
    key: str | None = None  # None: any key, or none, is accepted
    models: tuple[str, ...] = MODELS
    context_tokens: int = 4096  # counted as words of the system prompt and messages
    refuses: frozenset[str] = frozenset()  # OpenAI parameters refused, as reasoning models do
    default: Reply = field(default_factory=Reply)
    requests: list[Recorded] = field(default_factory=list)
    entered: threading.Event = field(default_factory=threading.Event)  # a chat request came
    release: threading.Event = field(default_factory=threading.Event)  # held replies go on
    disconnected: threading.Event = field(default_factory=threading.Event)  # a client left
    transcript: str = "Me levanto a las siete."  # what /v1/audio/transcriptions "hears"
    audio: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)  # what it got
    port: int = 0

    def __post_init__(self) -> None:
        self._steps: deque[Reply | Fail] = deque()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._initial = (self.key, self.models, self.context_tokens, self.refuses, self.default)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, *steps: Reply | Fail) -> None:
        """The answers to the next chat requests, in order."""
        self._steps = deque(steps)

    def reset(self) -> None:
        """As new, for the next test (the server keeps running)."""
        self.key, self.models, self.context_tokens, self.refuses, self.default = self._initial
        self._steps.clear()
        self.requests.clear()
        for event in (self.entered, self.release, self.disconnected):
            event.clear()

    @property
    def chats(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    # ---- the app ---------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/chat", self._ollama_chat, methods=["POST"]),
                Route("/api/tags", self._ollama_tags, methods=["GET"]),
                Route("/v1/chat/completions", self._openai_chat, methods=["POST"]),
                Route("/v1/messages", self._anthropic_chat, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
                Route("/v1/audio/transcriptions", self._transcribe, methods=["POST"]),
            ]
        )

    async def _transcribe(self, request: Request) -> Response:
        """OpenAI's transcription endpoint: a multipart upload (the recording, the model, the
        language); answers `self.transcript` (it hears nothing: the tests say what it heard)."""
        if self.key is not None and request.headers.get("authorization") != f"Bearer {self.key}":
            return JSONResponse({"error": {"message": "Incorrect API key"}}, status_code=401)
        raw = await request.body()
        head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
        message = email.message_from_bytes(head + raw, policy=email.policy.HTTP)
        data, fields = b"", {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                data = part.get_payload(decode=True) or b""
            elif name:
                fields[str(name)] = part.get_content().strip()
        self.audio.append((data, fields))
        return JSONResponse({"text": self.transcript})

    async def _record(self, request: Request) -> Recorded:
        raw = await request.body()
        body = json.loads(raw) if raw else None
        headers = {k.lower(): v for k, v in request.headers.items()}
        recorded = Recorded(request.method, request.url.path, headers, body)
        self.requests.append(recorded)
        if request.method == "POST":
            self.entered.set()
        return recorded

    def _given_key(self, recorded: Recorded) -> str | None:
        if "x-api-key" in recorded.headers:
            return recorded.headers["x-api-key"]
        auth = recorded.headers.get("authorization", "")
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None

    def _refusal(self, recorded: Recorded, flavour: str) -> Response | None:
        """The real checks: key, model, length; None when the request passes them."""
        given = self._given_key(recorded)
        if self.key is not None and given != self.key:
            return wrong_key(flavour, given)
        body = recorded.body or {}
        model = str(body.get("model", ""))
        if recorded.method == "POST" and model not in self.models:
            return unknown_model(flavour, model)
        size = len(str(body.get("system", "")).split()) + sum(
            len(str(m.get("content", "")).split()) for m in body.get("messages", [])
        )
        if flavour != "ollama" and size > self.context_tokens:
            return too_long(flavour, size, self.context_tokens)
        return None

    def _next(self, flavour: str) -> Reply | Response:
        step = self._steps.popleft() if self._steps else self.default
        if isinstance(step, Fail):
            return failure(flavour, step)
        return step if step.page is None else HTMLResponse(step.page)

    async def _paced(
        self, reply: Reply, pieces: list[str], error: str
    ) -> AsyncIterator[tuple[str, str]]:
        """("piece", word) for each word, or ("error", `error`) where the reply fails; holds,
        pauses and cuts as the reply says. Notes a client that leaves."""
        try:
            for i, piece in enumerate(pieces):
                if reply.hold_after == i:
                    while not self.release.is_set():
                        await asyncio.sleep(0.005)  # polling the event, not a timed wait
                if reply.drop_after == i:
                    raise _Dropped
                if reply.error_after == i:
                    yield "error", error
                    return
                if reply.tokens_per_s > 0 and i:
                    await asyncio.sleep(1 / reply.tokens_per_s)
                yield "piece", piece
            if reply.hold_after == len(pieces):
                while not self.release.is_set():
                    await asyncio.sleep(0.005)
            if reply.drop_after == len(pieces):
                raise _Dropped
        except (asyncio.CancelledError, GeneratorExit):
            self.disconnected.set()
            raise

    # ---- Ollama ----------------------------------------------------------------------------

    async def _ollama_tags(self, request: Request) -> Response:
        recorded = await self._record(request)
        refused = self._refusal(recorded, "ollama")
        if refused is not None:
            return refused
        models = [
            {"name": m, "model": m, "modified_at": CREATED, "size": 1, "digest": "0" * 64}
            for m in self.models
        ]
        return JSONResponse({"models": models})

    async def _ollama_chat(self, request: Request) -> Response:
        recorded = await self._record(request)
        step = self._refusal(recorded, "ollama") or self._next("ollama")
        if isinstance(step, Response):
            return step
        body = recorded.body or {}
        model = body["model"]
        content = (step.structured() if "format" in body else None) or step.text

        async def lines() -> AsyncIterator[str]:
            error = json.dumps({"error": "llama runner process has terminated"})
            async for kind, piece in self._paced(step, words(content), error):
                if kind == "error":
                    yield piece + "\n"
                    return
                message = {"role": "assistant", "content": piece}
                line = {"model": model, "created_at": CREATED, "message": message, "done": False}
                yield json.dumps(line, ensure_ascii=False) + "\n"
            last = {
                "model": model,
                "created_at": CREATED,
                "message": {"role": "assistant", "content": ""},
                "done": True,
                "done_reason": step.finish,
                "total_duration": 1000,
                "prompt_eval_count": step.tokens_in,
                "eval_count": step.tokens_out,
            }
            yield json.dumps(last) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    # ---- OpenAI-compatible -----------------------------------------------------------------

    async def _models(self, request: Request) -> Response:
        recorded = await self._record(request)
        anthropic = "anthropic-version" in recorded.headers
        refused = self._refusal(recorded, "anthropic" if anthropic else "openai")
        if refused is not None:
            return refused
        if anthropic:
            items: list[dict[str, Any]] = [
                {"type": "model", "id": m, "display_name": m, "created_at": CREATED}
                for m in self.models
            ]
            return JSONResponse(
                {"data": items, "has_more": False, "first_id": items[0]["id"], "last_id": None}
            )
        listed = [
            {"id": m, "object": "model", "created": 0, "owned_by": "standin"} for m in self.models
        ]
        return JSONResponse({"object": "list", "data": listed})

    async def _openai_chat(self, request: Request) -> Response:
        recorded = await self._record(request)
        body = recorded.body or {}
        for name in sorted(self.refuses & body.keys()):
            message = f"Unsupported parameter: '{name}' is not supported with this model."
            if name == "max_tokens":
                message += " Use 'max_completion_tokens' instead."
            return _error("openai", 400, "invalid_request_error", message, "unsupported_parameter")
        step = self._refusal(recorded, "openai") or self._next("openai")
        if isinstance(step, Response):
            return step
        model = body["model"]
        content = (step.structured() if "response_format" in body else None) or step.text
        usage = (body.get("stream_options") or {}).get("include_usage", False)

        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            item: dict[str, Any] = {
                "id": "chatcmpl-standin",
                "object": "chat.completion.chunk",
                "created": 1_767_225_600,
                "model": model,
                "choices": [choice],
            }
            if usage:
                item["usage"] = None
            return sse(item)

        async def events() -> AsyncIterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            error = {
                "error": {
                    "message": "The server had an error while processing your request.",
                    "type": "server_error",
                    "param": None,
                    "code": None,
                }
            }
            async for kind, piece in self._paced(step, words(content), json.dumps(error)):
                if kind == "error":
                    yield sse(piece)
                    return
                yield chunk({"content": piece})
            yield chunk({}, step.finish)
            if usage:
                counts = {
                    "prompt_tokens": step.tokens_in,
                    "completion_tokens": step.tokens_out,
                    "total_tokens": step.tokens_in + step.tokens_out,
                }
                yield sse(
                    {"id": "chatcmpl-standin", "model": model, "choices": [], "usage": counts}
                )
            yield sse("[DONE]")

        return StreamingResponse(events(), media_type="text/event-stream")

    # ---- Anthropic -------------------------------------------------------------------------

    async def _anthropic_chat(self, request: Request) -> Response:
        recorded = await self._record(request)
        step = self._refusal(recorded, "anthropic") or self._next("anthropic")
        if isinstance(step, Response):
            return step
        body = recorded.body or {}
        tool = (body.get("tool_choice") or {}).get("name")
        structured = step.structured() if tool else None
        if structured is not None:
            block: dict[str, Any] = {"type": "tool_use", "id": "toolu_standin", "name": tool}
            block["input"] = {}
            delta_type, field_name, content = "input_json_delta", "partial_json", structured
            stop = "tool_use"
        else:
            block = {"type": "text", "text": ""}
            delta_type, field_name, content = "text_delta", "text", step.text
            stop = "end_turn"
        if step.finish == "length":
            stop = "max_tokens"

        async def events() -> AsyncIterator[str]:
            message = {
                "id": "msg_standin",
                "type": "message",
                "role": "assistant",
                "content": [],
                "model": body["model"],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": step.tokens_in, "output_tokens": 1},
            }
            yield sse({"type": "message_start", "message": message}, "message_start")
            start = {"type": "content_block_start", "index": 0, "content_block": block}
            yield sse(start, "content_block_start")
            yield sse({"type": "ping"}, "ping")
            error = {
                "type": "error",
                "error": {"type": "overloaded_error", "message": "Overloaded"},
            }
            async for kind, piece in self._paced(step, words(content), json.dumps(error)):
                if kind == "error":
                    yield sse(piece, "error")
                    return
                delta = {"type": delta_type, field_name: piece}
                item = {"type": "content_block_delta", "index": 0, "delta": delta}
                yield sse(item, "content_block_delta")
            yield sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
            end = {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": step.tokens_out},
            }
            yield sse(end, "message_delta")
            yield sse({"type": "message_stop"}, "message_stop")

        return StreamingResponse(events(), media_type="text/event-stream")

    # ---- running ---------------------------------------------------------------------------

    def start(self) -> None:
        sock = _listening_socket(self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app(), log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="model-standin", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while True:
                try:
                    if client.get(f"{self.url}/api/tags").status_code < 500:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or not self._thread.is_alive():
                    raise RuntimeError("the model stand-in did not start")
                time.sleep(0.01)  # polling interval, not a wait for anything to happen
        self.requests.clear()

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self.release.set()  # held replies end
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._server = self._thread = None

    def __enter__(self) -> StandIn:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _error(
    flavour: str,
    status: int,
    kind: str,
    message: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An error body in the shape each provider uses."""
    if flavour == "ollama":
        return JSONResponse({"error": message}, status, headers)
    if flavour == "openai":
        error = {"message": message, "type": kind, "param": None, "code": code}
        return JSONResponse({"error": error}, status, headers)
    error = {"type": kind, "message": message}
    return JSONResponse({"type": "error", "error": error}, status, headers)


def wrong_key(flavour: str, given: str | None) -> Response:
    if flavour == "ollama":
        return _error(flavour, 401, "", "unauthorized")
    if flavour == "openai":  # quotes the key it got: the client must never pass that on
        message = f"Incorrect API key provided: {given}. You can find your API key at ..."
        return _error(flavour, 401, "invalid_request_error", message, "invalid_api_key")
    return _error(flavour, 401, "authentication_error", "invalid x-api-key")


def unknown_model(flavour: str, model: str) -> Response:
    if flavour == "ollama":
        return _error(flavour, 404, "", f'model "{model}" not found, try pulling it first')
    if flavour == "openai":
        message = f"The model `{model}` does not exist or you do not have access to it."
        return _error(flavour, 404, "invalid_request_error", message, "model_not_found")
    return _error(flavour, 404, "not_found_error", f"model: {model}")


def too_long(flavour: str, size: int, limit: int) -> Response:
    if flavour == "openai":
        message = (
            f"This model's maximum context length is {limit} tokens. However, your messages "
            f"resulted in {size} tokens. Please reduce the length of the messages."
        )
        return _error(flavour, 400, "invalid_request_error", message, "context_length_exceeded")
    message = f"prompt is too long: {size} tokens > {limit} maximum"
    return _error(flavour, 400, "invalid_request_error", message)


def failure(flavour: str, fail: Fail) -> Response:
    headers = {"Retry-After": fail.retry_after} if fail.retry_after else {}
    quota = fail.code == "insufficient_quota"
    if fail.status == 429:
        if flavour == "ollama":
            return _error(flavour, 429, "", "too many requests", None, headers)
        if flavour == "openai":
            if quota:
                message = (
                    "You exceeded your current quota, please check your plan and billing details."
                )
                return _error(flavour, 429, "insufficient_quota", message, fail.code, headers)
            message = "Rate limit reached for requests"
            return _error(flavour, 429, "requests", message, "rate_limit_exceeded", headers)
        message = "Number of request tokens has exceeded your per-minute rate limit."
        return _error(flavour, 429, "rate_limit_error", message, None, headers)
    if flavour == "ollama":
        return _error(
            flavour, fail.status, "", "llama runner process has terminated", None, headers
        )
    if flavour == "openai":
        message = "The server had an error while processing your request."
        return _error(flavour, fail.status, "server_error", message, None, headers)
    if fail.status == 529:
        return _error(flavour, 529, "overloaded_error", "Overloaded", None, headers)
    return _error(flavour, fail.status, "api_error", "Internal server error", None, headers)


class StandInProcess:
    """The stand-in in a process of its own, as a real model server is: for the benchmarks,
    where a server in the measured process would take turns with the app for Python's lock.
    `script` sends the next answers over a pipe; the rest is `StandIn` with any key."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # no copy of the app's threads or Qt
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self.url = ""

    def __enter__(self) -> StandInProcess:
        self._process.start()
        if not self._pipe.poll(START_TIMEOUT_S):
            raise RuntimeError("the model stand-in did not start")
        self.url = self._pipe.recv()
        return self

    def script(self, *steps: Reply | Fail) -> None:
        self._pipe.send(steps)
        self._pipe.recv()  # scripted before the next request is made

    def __exit__(self, *exc: object) -> None:
        self._pipe.send(None)
        self._process.join(timeout=30)


def _serve(pipe: Any) -> None:
    with StandIn(key=None) as server:
        pipe.send(server.url)
        while (steps := pipe.recv()) is not None:
            server.script(*steps)
            pipe.send(True)
