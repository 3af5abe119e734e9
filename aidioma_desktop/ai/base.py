"""What every model provider shares: the request and result types, the errors a person reads,
the timeouts and the retry policy, and the address rule.

Nothing here speaks HTTP (see `http.py`), so the tutor service and the UI can import these
types without paying for httpx at start-up.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any, Literal

from ..domain.errors import AppError
from ..net import Refusal, complete, refusal

Role = Literal["user", "assistant"]
TextCallback = Callable[[str], None]
CancelCheck = Callable[[], bool]


def never() -> bool:
    """The `cancelled` of a caller that has no Stop button."""
    return False


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True)
class ChatRequest:
    """One turn for the model. `system` is sent the way each wire format wants it (a system
    message, or Anthropic's `system` field). With `schema` (a JSON schema of an object) the
    provider is asked for that structure and `ChatResult.data` holds the answer."""

    messages: Sequence[ChatMessage]
    system: str = ""
    model: str = ""  # empty: the provider's model
    max_tokens: int = 1024
    temperature: float | None = None  # None: the model's default
    schema: dict[str, Any] | None = None
    schema_name: str = "answer"


@dataclass(frozen=True)
class ChatResult:
    text: str  # everything the model wrote (with a schema: the JSON text)
    data: dict[str, Any] | None  # the structured answer; None for plain text or broken JSON
    tokens_in: int  # as the provider reported them; 0 when it did not
    tokens_out: int
    model: str  # as the provider named it, else the one asked for
    duration_ms: int  # from the call to the end, retries and their waits included
    first_token_ms: int | None  # from the call to the first text; None when none came
    stopped: bool = False  # the person pressed Stop; `text` is what came before
    truncated: bool = False  # the model reached max_tokens: the answer is cut short


class ErrorKind(StrEnum):
    OFFLINE = "offline"  # nothing answers at the address
    TIMEOUT = "timeout"  # no first token, or nothing more, within the time allowed
    AUTH = "auth"  # the key is missing, wrong or not allowed (401/403)
    MODEL = "model"  # no such model
    CONTEXT = "context"  # the conversation is longer than the model can read
    RATE_LIMITED = "rate_limited"  # 429 after the retries, or a wait too long to make
    QUOTA = "quota"  # the account has no credit left (429 that no wait mends)
    DOWN = "down"  # 5xx after the retries
    DROPPED = "dropped"  # the connection was cut mid-answer
    PROTOCOL = "protocol"  # the answer is not the wire format
    REFUSED = "refused"  # any other 4xx
    ADDRESS = "address"  # not an address, or nothing of this kind at it
    INSECURE = "insecure"  # plain http to another computer, not allowed


class ProviderError(AppError):
    """A turn that failed, worded for the person. It never holds the API key.

    `partial` is what the model had written when the failure came (a connection cut
    mid-answer): the caller shows it, marked as cut."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
        retriable: bool = False,
        partial: ChatResult | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after_s = retry_after_s
        self.retriable = retriable  # worth another try (429, 5xx, a cut before any text)
        self.partial = partial


@dataclass(frozen=True)
class Timeouts:
    """Connect: nothing listens, say so fast. First byte: a local model may need a while to
    load (raise it for a big model on a small laptop). Between chunks: a stalled stream."""

    connect_s: float = 5.0
    first_byte_s: float = 60.0
    between_chunks_s: float = 60.0


@dataclass
class RetryPolicy:
    """At most `tries` attempts on 429 and 5xx, only before any text was streamed (text the
    person has read cannot be taken back). The wait is the server's Retry-After when it gives
    one, else exponential backoff with jitter; a wait longer than `max_wait_s` is not made: the
    person is told when to try again instead. `sleep` is injectable for tests."""

    tries: int = 3
    base_s: float = 1.0
    max_wait_s: float = 20.0
    step_s: float = 0.1  # waits are cut in steps this long, checking for a Stop between them
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, failures: int) -> float:
        """Seconds before the next try after `failures` failed ones: half the ceiling plus a
        random half, so that several clients do not come back at the same instant."""
        ceiling = self.base_s * 2 ** (failures - 1)
        return self.rng.uniform(ceiling / 2, ceiling)


def wait(
    seconds: float, cancelled: CancelCheck, sleep: Callable[[float], None], step: float
) -> bool:
    """Sleep `seconds` in steps, checking `cancelled` between them: False when cancelled."""
    remaining = seconds
    while remaining > 1e-9:
        if cancelled():
            return False
        chunk = min(step, remaining)
        sleep(chunk)
        remaining -= chunk
    return not cancelled()


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The wait a server asks for: `retry-after-ms` (OpenAI), else `Retry-After` in seconds or
    as an HTTP date (RFC 9110). None when absent or unreadable."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


_FENCE = re.compile(r"^```[A-Za-z]*\s*\n?(.*?)\n?```$", re.DOTALL)


def parse_object(text: str) -> dict[str, Any] | None:
    """The JSON object in `text`, or None. Tolerates the ```json fence that small local models
    add; anything else that is not one JSON object is None (the caller falls back to text)."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1).strip()
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def safe_name(name: str) -> str:
    """A schema or tool name as OpenAI and Anthropic accept it: ^[A-Za-z0-9_-]{1,64}$."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64]
    return cleaned or "answer"


def check_url(url: str, allow_insecure: bool = False, *, default: str = "") -> str:
    """The provider's address, normalised (`net.complete`). Plain http to another computer is
    refused unless the person allowed it (the rule of every address: `net.refusal`): the
    conversation and the API key would cross the network unencrypted. Credentials or a query in
    the address are refused too, so that no secret ever sits in an address shown in a
    message."""
    text = complete(url, default)
    why = refusal(text, allow_insecure)
    if why is Refusal.NOT_AN_ADDRESS:
        raise ProviderError(
            ErrorKind.ADDRESS,
            f"'{url.strip()}' is not an address such as http://127.0.0.1:11434 or "
            "https://api.mistral.ai/v1.",
        )
    if why is Refusal.CREDENTIALS:
        raise ProviderError(
            ErrorKind.ADDRESS,
            "The address must not hold a name, password, key or '?' part: put the API key in "
            "the key field, which keeps it in the system keyring.",
        )
    if why is Refusal.INSECURE:
        raise ProviderError(
            ErrorKind.INSECURE,
            f"{text} uses plain http, so your conversation and API key would cross the network "
            "unencrypted. Use https, or tick 'Allow insecure connection' if you trust this "
            "network.",
        )
    return text


class Secret:
    """An API key that does not show itself: its repr, str and a provider's vars() (a crash
    report, a debugger, a careless log line) say only that there is one."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key, for the one header that carries it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret(…)"

    __str__ = __repr__


def scrub(text: str, secret: str | None) -> str:
    """`text` without `secret`, nor anything that looks like an API key (services quote a
    masked key in their error messages: 'sk-ab****yz')."""
    if secret:
        text = text.replace(secret, "…")
    return re.sub(r"\b(sk|key|api)[-_][A-Za-z0-9_*.-]{6,}", "…", text, flags=re.IGNORECASE)


def clip(text: str, limit: int = 240) -> str:
    """A provider's own words, short: one line, at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
