"""The HTTP machinery the three providers share: one httpx client, a streamed exchange that a
Stop or a deadline can end at once, retries, and the failures worded for a person.

Why the body is read on a helper thread: a blocking read cannot be interrupted, and a model
that is still loading may send nothing for a minute. The helper thread reads lines into a
queue; the calling thread waits on the queue in short steps, so it can check `cancelled()` and
the first-byte and between-chunk deadlines while nothing arrives, and it returns at once on a
Stop. It then shuts the socket down, which wakes the helper, which closes the response (the
server sees the client leave and stops generating). Every httpx object is used on the helper
thread only; the calling thread touches the raw socket's shutdown, which is safe from any
thread. `on_text` is called on the calling thread, in order.
"""

from __future__ import annotations

import contextlib
import queue
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..net import is_loopback
from .base import (
    CancelCheck,
    ChatRequest,
    ChatResult,
    ErrorKind,
    ProviderError,
    RetryPolicy,
    Secret,
    TextCallback,
    Timeouts,
    check_url,
    clip,
    never,
    parse_object,
    retry_after,
    scrub,
    wait,
)

if TYPE_CHECKING:
    import ssl

    import httpx

POLL_S = 0.05  # how often the calling thread checks for a Stop while no chunk arrives
ERROR_BODY_MAX = 64 * 1024  # an error body is read up to this size
MODELS_TIMEOUT_S = 10.0
MODELS_SHOWN = 5  # available models named in an unknown-model message
MAX_AMENDS = 3  # parameters a server may refuse, one by one, before the refusal is shown


class WireError(Exception):
    """A parser met something that is not its wire format; `excerpt` is what it met."""

    def __init__(self, excerpt: str) -> None:
        super().__init__(excerpt)
        self.excerpt = excerpt


class StreamFailure(Exception):
    """An error the server reported inside the stream (Anthropic's `error` event, an Ollama or
    OpenAI `{"error": ...}` line), with the HTTP status it stands for."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class StreamParser:
    """Turns the lines of one response into text pieces, and keeps what the stream says about
    itself; one subclass per wire format. `feed` raises WireError or StreamFailure."""

    def __init__(self) -> None:
        self.finished = False  # the answer is complete: a stream that ends before this was cut
        self.done = False  # the format's last line came ([DONE], done, message_stop)
        self.truncated = False  # the model stopped at max_tokens
        self.tokens_in = self.tokens_out = 0
        self.model = ""

    @property
    def json_text(self) -> str | None:
        """The structured answer when it has a channel of its own (Anthropic's tool call)."""
        return None

    def feed(self, line: str) -> list[str]:
        raise NotImplementedError


@dataclass(frozen=True)
class Call:
    """One HTTP request of a provider: where, which headers (the key among them), what body."""

    url: str
    headers: dict[str, str]
    body: dict[str, Any]


class _Resend(Exception):
    """The server refused a parameter that the request can do without: send `body` instead."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__("resend")
        self.body = body


class _Pump:
    """The helper thread of one exchange: sends the request, puts what comes into `items`."""

    def __init__(self, client: httpx.Client, call: Call, timeout: httpx.Timeout) -> None:
        self.items: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.stop = threading.Event()
        self._sock: socket.socket | None = None  # only while the response is open
        self._sock_lock = threading.Lock()
        self._client, self._call, self._timeout = client, call, timeout
        self._thread = threading.Thread(target=self._run, name="ai-stream", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        call = self._call
        try:
            with self._client.stream(
                "POST", call.url, json=call.body, headers=call.headers, timeout=self._timeout
            ) as response:
                stream = response.extensions.get("network_stream")
                with self._sock_lock:
                    self._sock = stream.get_extra_info("socket") if stream is not None else None
                try:
                    self._read(response)
                finally:
                    # Before the response closes: a connection back in the pool may serve
                    # another request, whose socket `halt` must never touch.
                    with self._sock_lock:
                        self._sock = None
        except Exception as exc:  # handed to the calling thread, which words it
            if not self.stop.is_set():
                self.items.put(("error", exc))

    def _read(self, response: httpx.Response) -> None:
        if self.stop.is_set():
            return
        self.items.put(("response", response.status_code, dict(response.headers)))
        if response.status_code >= 400:
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > ERROR_BODY_MAX or self.stop.is_set():
                    break
            self.items.put(("body", body[:ERROR_BODY_MAX]))
            return
        for line in response.iter_lines():
            if self.stop.is_set():
                return
            self.items.put(("line", line))
        self.items.put(("end",))

    def halt(self) -> None:
        """End the exchange now: the helper stops at its next chunk, and shutting the socket
        down makes that next chunk come at once (an empty read). Harmless once it ended."""
        self.stop.set()
        with self._sock_lock:
            if self._sock is not None:
                # The plain socket's shutdown, also for TLS: the SSL object stays the reader's.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self._sock, socket.SHUT_RDWR)


class HttpProvider:
    """What the three providers share; each subclass knows only its wire format."""

    kind: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    DEFAULT_URL: ClassVar[str] = ""

    def __init__(
        self,
        url: str,
        model: str,
        key: str | None = None,
        allow_insecure: bool = False,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.url = self._normalise(check_url(url, allow_insecure, default=self.DEFAULT_URL))
        self.model = model.strip()
        self._key = Secret(key) if key else None  # never logged, never in a message
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url} {self.model!r}>"

    def _key_text(self) -> str | None:
        return self._key.reveal() if self._key else None

    @property
    def label(self) -> str:
        """The provider, for people: "Ollama", "Anthropic", "OpenRouter", "the model server"."""
        return self.LABEL

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or ""

    @property
    def is_local(self) -> bool:
        """The model runs on this computer: no text leaves it (counts as offline)."""
        return self.kind != "anthropic" and is_loopback(self.host)

    @property
    def is_cloud(self) -> bool:
        """Text leaves this computer: the app asks the person's consent first."""
        return not self.is_local

    # ---- the wire format: each provider's part -------------------------------------------

    def _normalise(self, url: str) -> str:
        """The base address as this provider's paths expect it."""
        return url

    def _chat_call(self, request: ChatRequest, model: str) -> Call:
        raise NotImplementedError

    def _parser(self, request: ChatRequest) -> StreamParser:
        raise NotImplementedError

    def _models_call(self) -> tuple[str, dict[str, str]]:
        raise NotImplementedError

    def _models_from(self, data: Any) -> list[str]:
        raise NotImplementedError

    def _offline(self) -> str:
        return f"Can't reach {self.label} at {self.url}. Check the address and your connection."

    def _pull_hint(self, model: str) -> str:
        return "Check the model's name in Settings."

    def _not_found_hint(self) -> str:
        return "Check the address in Settings."

    def _amend(self, body: dict[str, Any], code: str, message: str) -> dict[str, Any] | None:
        """A body without the parameter a 400 refused, when the request can do without it."""
        return None

    # ---- chat ----------------------------------------------------------------------------

    def chat(
        self,
        request: ChatRequest,
        on_text: TextCallback | None = None,
        cancelled: CancelCheck = never,
    ) -> ChatResult:
        """One turn, streamed: `on_text` gets each piece of text as it comes, in order.
        `cancelled` is checked while waiting; when it turns True the call returns what came,
        with stopped=True. Raises ProviderError for everything a person must be told."""
        model = request.model.strip() or self.model
        if not model:
            raise ProviderError(ErrorKind.MODEL, f"Choose a model for {self.label} in Settings.")
        call = self._chat_call(request, model)
        started = time.monotonic()
        failures, amends = 0, 0
        while True:
            try:
                may_amend = amends < MAX_AMENDS
                return self._exchange(call, request, model, on_text, cancelled, started, may_amend)
            except _Resend as resend:
                call, amends = Call(call.url, call.headers, resend.body), amends + 1
            except ProviderError as error:
                failures += 1
                if not error.retriable or failures >= self.retry.tries:
                    raise
                delay = error.retry_after_s
                if delay is None:
                    delay = self.retry.backoff(failures)
                if delay > self.retry.max_wait_s:
                    raise
                if not wait(delay, cancelled, self.retry.sleep, self.retry.step_s):
                    return _result("", None, None, model, started, None, stopped=True)

    def _exchange(
        self,
        call: Call,
        request: ChatRequest,
        model: str,
        on_text: TextCallback | None,
        cancelled: CancelCheck,
        started: float,
        may_amend: bool,
    ) -> ChatResult:
        import httpx

        parser = self._parser(request)
        pieces: list[str] = []
        first_token: float | None = None
        status, headers = 0, {}
        timeout = httpx.Timeout(
            connect=self.timeouts.connect_s,
            # A backstop only: the deadlines below are the ones that count.
            read=max(self.timeouts.first_byte_s, self.timeouts.between_chunks_s) + 5,
            write=30.0,
            pool=self.timeouts.connect_s,
        )
        pump = _Pump(self._http(), call, timeout)
        deadline = time.monotonic() + self.timeouts.first_byte_s

        def so_far(**flags: bool) -> ChatResult:
            return _result("".join(pieces), None, parser, model, started, first_token, **flags)

        def failed(error: ProviderError) -> ProviderError:
            """`error`, with what came; worth a retry only while no text was shown."""
            error.retriable = error.retriable and not pieces
            if pieces:
                error.partial = so_far()
            return error

        try:
            while True:
                if cancelled():
                    pump.halt()
                    return so_far(stopped=True)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise failed(self._timed_out(bool(pieces)))
                try:
                    item = pump.items.get(timeout=min(POLL_S, remaining))
                except queue.Empty:
                    continue
                tag = item[0]
                if tag == "response":
                    status, headers = item[1], item[2]
                elif tag == "body":
                    body = self._error_body(call, status, item[1], may_amend)
                    raise failed(self._status_error(status, headers, body, model))
                elif tag == "line":
                    deadline = time.monotonic() + self.timeouts.between_chunks_s
                    for text in self._feed(parser, item[1], model, failed):
                        if first_token is None:
                            first_token = time.monotonic()
                        pieces.append(text)
                        if on_text is not None:
                            on_text(text)
                    if parser.done:  # the helper reads the (empty) rest, frees the connection
                        return self._complete(pieces, parser, request, model, started, first_token)
                elif tag == "end":
                    if not parser.finished:
                        raise failed(self._dropped(bool(pieces)))
                    return self._complete(pieces, parser, request, model, started, first_token)
                elif tag == "error":
                    raise failed(self._transport_error(item[1], bool(pieces)))
        except BaseException:
            # A failure, or on_text raised: close the response, so the server stops generating.
            pump.halt()
            raise

    def _feed(
        self,
        parser: StreamParser,
        line: str,
        model: str,
        failed: Callable[[ProviderError], ProviderError],
    ) -> list[str]:
        """The text pieces of one line; what the server said in it about a failure, worded."""
        try:
            return [text for text in parser.feed(line) if text]
        except WireError as wrong:
            raise failed(self._not_the_format(wrong.excerpt)) from None
        except StreamFailure as failure:
            fields = (failure.code, failure.message)
            raise failed(self._status_error(failure.status, {}, fields, model)) from None

    @staticmethod
    def _complete(
        pieces: list[str],
        parser: StreamParser,
        request: ChatRequest,
        model: str,
        started: float,
        first_token: float | None,
    ) -> ChatResult:
        text = "".join(pieces)
        source = parser.json_text if parser.json_text is not None else text
        data = parse_object(source) if request.schema is not None else None
        return _result(text, data, parser, model, started, first_token, truncated=parser.truncated)

    def _error_body(self, call: Call, status: int, raw: bytes, may_amend: bool) -> tuple[str, str]:
        """The (code, message) of an error answer; raises _Resend when a 400 refused a
        parameter that the request can do without."""
        code, message = error_fields(raw)
        if status == 400 and may_amend:
            amended = self._amend(call.body, code, message)
            if amended is not None:
                raise _Resend(amended)
        return code, message

    # ---- models --------------------------------------------------------------------------

    def models(self) -> list[str]:
        """The models this provider offers, sorted; ProviderError when it cannot say."""
        import httpx

        url, headers = self._models_call()
        try:
            response = self._http().get(
                url,
                headers=headers,
                timeout=httpx.Timeout(MODELS_TIMEOUT_S, connect=self.timeouts.connect_s),
            )
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, False) from None
        if response.status_code >= 400:
            fields = error_fields(response.content[:ERROR_BODY_MAX])
            raise self._status_error(response.status_code, response.headers, fields, "")
        try:
            names = self._models_from(response.json())
        except (ValueError, KeyError, TypeError, AttributeError):
            raise self._not_the_format(response.text[:80]) from None
        return sorted(set(names))

    def _models_quietly(self) -> list[str]:
        try:
            return self.models()
        except ProviderError:
            return []

    # ---- the client ----------------------------------------------------------------------

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                import httpx

                # A proxy set for the internet must not stand between the app and this computer.
                self._client = httpx.Client(
                    verify=_trusted_certificates(), trust_env=not is_loopback(self.host)
                )
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def __enter__(self) -> HttpProvider:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- failures, worded ----------------------------------------------------------------

    def _status_error(
        self, status: int, headers: Mapping[str, str], fields: tuple[str, str], model: str
    ) -> ProviderError:
        code, raw_message = fields
        words = clip(scrub(raw_message, self._key_text()))
        lowered = f"{code} {raw_message}".lower()
        after = retry_after(headers)
        said = f" ({self.label} said: {words})" if words else ""
        if status == 401:
            if not self._key:
                return ProviderError(
                    ErrorKind.AUTH,
                    f"{_cap(self.label)} needs an API key (401). Add it in Settings.",
                    status=status,
                )
            return ProviderError(
                ErrorKind.AUTH,
                f"{_cap(self.label)} refused the API key (401). Check the key in Settings.",
                status=status,
            )
        if status == 403:
            return ProviderError(
                ErrorKind.AUTH,
                f"{_cap(self.label)} refused access (403): this API key may not be allowed to use "
                f"{model or 'this model'}. Check the key and the model in Settings.",
                status=status,
            )
        if status == 413 or _CONTEXT.search(lowered):
            return ProviderError(
                ErrorKind.CONTEXT,
                f"The conversation is too long for {model or 'the model'}{said}. Start a new "
                "conversation, or choose a model that reads more.",
                status=status,
            )
        if _QUOTA.search(lowered):
            return ProviderError(
                ErrorKind.QUOTA,
                f"{_cap(self.label)} says this account has no credit left{said}. Check its "
                "plan and billing.",
                status=status,
            )
        if (status == 404 and ("model" in lowered or code == "model_not_found")) or (
            status in (400, 422) and _UNKNOWN_MODEL.search(lowered)
        ):
            return self._unknown_model(model, status)
        if status == 404:
            return ProviderError(
                ErrorKind.ADDRESS,
                f"{_cap(self.label)} at {self.url} answered 'not found' (404). "
                + self._not_found_hint(),
                status=status,
            )
        if status == 429:
            when = f"in {round(after)} seconds" if after is not None else "in a minute"
            return ProviderError(
                ErrorKind.RATE_LIMITED,
                f"{_cap(self.label)} is getting too many requests from you (429). "
                f"Try again {when}.",
                status=status,
                retry_after_s=after,
                retriable=True,
            )
        if status >= 500:
            busy = "is overloaded" if status == 529 or "overloaded" in lowered else "has a problem"
            return ProviderError(
                ErrorKind.DOWN,
                f"{_cap(self.label)} {busy} ({status}). Try again in a few minutes.",
                status=status,
                retry_after_s=after,
                retriable=True,
            )
        return ProviderError(
            ErrorKind.REFUSED,
            f"{_cap(self.label)} did not accept the request ({status}){said}.",
            status=status,
        )

    def _unknown_model(self, model: str, status: int) -> ProviderError:
        available = self._models_quietly()
        shown = ", ".join(available[:MODELS_SHOWN]) + (
            ", …" if len(available) > MODELS_SHOWN else ""
        )
        listed = f" Available: {shown}." if available else ""
        return ProviderError(
            ErrorKind.MODEL,
            f"{_cap(self.label)} has no model named '{model}'.{listed} {self._pull_hint(model)}",
            status=status,
        )

    def _transport_error(self, exc: BaseException, got_text: bool) -> ProviderError:
        import httpx

        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            detail = str(exc)
            if "CERTIFICATE_VERIFY_FAILED" in detail or "certificate verify failed" in detail:
                return ProviderError(
                    ErrorKind.OFFLINE,
                    f"The certificate of {self.host} could not be verified, so nothing was "
                    "sent. Check the address, or the computer's date and certificates.",
                )
            return ProviderError(ErrorKind.OFFLINE, self._offline())
        if isinstance(exc, httpx.TimeoutException):
            return self._timed_out(got_text)
        if isinstance(exc, httpx.TransportError):
            return self._dropped(got_text)
        if isinstance(exc, httpx.HTTPError):
            return self._not_the_format(type(exc).__name__)
        raise exc  # a bug, not a network failure: let it show as one

    def _dropped(self, got_text: bool) -> ProviderError:
        if got_text:
            return ProviderError(
                ErrorKind.DROPPED,
                f"The connection to {self.label} was cut before the answer was complete: "
                "what arrived is shown, the rest is missing.",
            )
        return ProviderError(
            ErrorKind.DROPPED,
            f"The connection to {self.label} was cut before any answer came. Try again.",
            retriable=True,
        )

    def _timed_out(self, got_text: bool) -> ProviderError:
        if got_text:
            return ProviderError(
                ErrorKind.TIMEOUT,
                f"{_cap(self.label)} stopped sending for "
                f"{self.timeouts.between_chunks_s:g} seconds: the answer is cut short.",
            )
        return ProviderError(
            ErrorKind.TIMEOUT,
            f"{_cap(self.label)} did not start answering within {self.timeouts.first_byte_s:g} "
            "seconds. A local model may still be loading: try again, or allow it more time in "
            "Settings.",
        )

    def _not_the_format(self, excerpt: str) -> ProviderError:
        began = clip(scrub(excerpt, self._key_text()), 60)
        return ProviderError(
            ErrorKind.PROTOCOL,
            f"The answer from {self.url} is not what {self.label} sends (it began: '{began}'). "
            "Check the address and the kind of service in Settings.",
        )


_CONTEXT = re.compile(
    r"context_length_exceeded|exceed_context_size|context length|context size|context window|"
    r"maximum context|prompt is too long|too many tokens|exceeds the (available )?context|"
    r"request_too_large"
)
_QUOTA = re.compile(r"insufficient_quota|exceeded your current quota|credit balance|billing")
_UNKNOWN_MODEL = re.compile(
    r"model_not_found|(model.*(not found|does not exist|not exist|not a valid|unknown|no such|"
    r"not available))|(invalid|unknown) model"
)


def error_fields(raw: bytes) -> tuple[str, str]:
    """(code, message) from an error body in any of the shapes servers use: OpenAI's
    {"error": {"message", "type", "code"}}, Anthropic's {"type": "error", "error": {"type",
    "message"}}, Ollama's {"error": "..."}, FastAPI's {"detail": ...}, Mistral's {"message"}.
    Anything else: the start of the body, as text."""
    import json

    text = raw.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        return "", text[:200]
    if not isinstance(data, dict):
        return "", text[:200]
    error = data.get("error", data)
    if isinstance(error, str):
        return "", error
    if isinstance(error, dict):
        code = error.get("code") or error.get("type") or ""
        message = error.get("message") or error.get("detail") or ""
        return str(code), message if isinstance(message, str) else json.dumps(message)
    return "", text[:200]


def _result(
    text: str,
    data: dict[str, Any] | None,
    parser: StreamParser | None,
    model: str,
    started: float,
    first_token: float | None,
    *,
    stopped: bool = False,
    truncated: bool = False,
) -> ChatResult:
    now = time.monotonic()
    return ChatResult(
        text=text,
        data=data,
        tokens_in=parser.tokens_in if parser else 0,
        tokens_out=parser.tokens_out if parser else 0,
        model=(parser.model if parser else "") or model,
        duration_ms=round((now - started) * 1000),
        first_token_ms=None if first_token is None else round((first_token - started) * 1000),
        stopped=stopped,
        truncated=truncated,
    )


def _trusted_certificates() -> ssl.SSLContext:
    """The certificate authorities this computer trusts (its own store), as the sync client
    does: a family's own server may have a certificate of its own making."""
    import ssl

    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _cap(text: str) -> str:
    """`text` to begin a sentence ("the model server ..." -> "The model server ...")."""
    return text[:1].upper() + text[1:]
