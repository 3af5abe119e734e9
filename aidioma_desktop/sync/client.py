"""HTTP client of the family sync server (protocol v1, see aidioma_protocol/wire.py).

Every failure becomes a SyncError whose message is worded for the person using the app and
says that nothing was lost: the outbox keeps unsent events until the server acknowledges them.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aidioma_protocol.limits import API_PREFIX, MAX_BODY_BYTES

if TYPE_CHECKING:
    import ssl

    import httpx

from aidioma_protocol.checks import EventError
from aidioma_protocol.events import Event, StoredEvent, format_instant

from ..domain.errors import AppError
from ..net import Refusal, complete, refusal

GZIP_ABOVE_BYTES = 32 * 1024  # smaller bodies are not worth compressing
TIMEOUT_S, CONNECT_TIMEOUT_S = 20.0, 5.0  # a logout waits for at most one round trip


class SyncError(AppError):
    """A sync that did not happen; nothing local was changed or lost."""


class Offline(SyncError):
    """The server could not be reached (no network, server down, timeout)."""


class AuthError(SyncError):
    """The token or password was refused: sign in again."""


class RateLimited(SyncError):
    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ServerRefused(SyncError):
    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class PullPage:
    accepted: list[str]
    cursor: int
    events: list[Event]
    more: bool
    history: str  # names the server's copy of the account (protocol.SyncResponse)
    unreadable: int  # pulled events this version cannot read: skipped, still on the server


@dataclass(frozen=True)
class Grant:
    token: str
    username: str  # as the account spells it (usernames are not case-sensitive)


def _grant(data: dict[str, Any], asked: str) -> Grant:
    return Grant(str(data["token"]), str(data.get("username") or asked))


def check_server_url(url: str, insecure: bool = False) -> str:
    """The server address, normalised; plain http only to this computer or when allowed (the
    rule of every address: `net.refusal`)."""
    text = complete(url)
    why = refusal(text, insecure, allow_credentials=True)
    if why is Refusal.NOT_AN_ADDRESS:
        raise SyncError(f"'{url}' is not a server address such as https://sync.example.org.")
    if why is Refusal.INSECURE:
        raise SyncError(
            f"{text} uses plain http, so your password and progress would cross the network "
            "unencrypted. Use https, or allow an insecure connection if you trust this network "
            "('Allow insecure connection' in Settings → Sync; --insecure in the terminal)."
        )
    return text


class SyncClient:
    """One server: a keep-alive connection and the protocol's calls."""

    def __init__(self, server_url: str, insecure: bool = False) -> None:
        self.server_url = check_server_url(server_url, insecure)
        import httpx  # here, not at import: ~60 ms off the app's start

        self._http = httpx.Client(
            base_url=self.server_url + API_PREFIX,
            timeout=httpx.Timeout(TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            verify=_trusted_certificates(),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---- calls ------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def register(self, username: str, email: str, password: str, invite_code: str) -> Grant:
        body = {
            "username": username,
            "email": email,
            "password": password,
            "invite_code": invite_code,
        }
        return _grant(self._call("POST", "/auth/register", body), username)

    def login(self, username: str, password: str) -> Grant:
        body = {"username": username, "password": password}
        return _grant(self._call("POST", "/auth/login", body), username)

    def logout(self, token: str) -> None:
        self._call("POST", "/auth/logout", token=token)

    def account(self, token: str) -> dict[str, Any]:
        return self._call("GET", "/account", token=token)

    def delete_account(self, token: str) -> None:
        self._call("DELETE", "/account", token=token)

    def send_sync(
        self,
        token: str,
        device_id: str,
        cursor: int,
        events: Sequence[StoredEvent],
        events_json: JsonBytes | None = None,
    ) -> dict[str, Any]:
        """Push `events` (`events_json`: their encode_events, when made beforehand) and pull:
        the answer as parsed JSON, to read with `read_page`."""
        encoded = events_json if events_json is not None else encode_events(events)
        head = f'{{"device_id":{_text(device_id)},"cursor":{int(cursor)},"events":'.encode()
        size = len(head) + encoded.size + 1
        if encoded.compressed:
            # gzip members may follow one another: only the small head is compressed now.
            body = JsonBytes(_gzip(head) + encoded.data + _GZIP_END, size, compressed=True)
        else:
            body = JsonBytes.of(head + encoded.data + b"}")
        return self._call("POST", "/sync", body, token=token)

    def read_page(self, data: dict[str, Any]) -> PullPage:
        try:
            events, unreadable = [], 0
            for item in data["events"]:
                try:
                    events.append(Event.from_dict(item))
                except EventError:
                    # One bad event must not make every page unreadable forever; it stays on
                    # the server for a version that can read it.
                    unreadable += 1
            return PullPage(
                accepted=[str(i) for i in data["accepted"]],
                cursor=int(data["cursor"]),
                events=events,
                more=bool(data["more"]),
                history=str(data["history"]),
                unreadable=unreadable,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SyncError(
                f"The sync server sent an answer this app cannot read ({exc}). Nothing was "
                "changed here; check that the server runs a matching version."
            ) from exc

    # ---- plumbing ---------------------------------------------------------------------

    def _call(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if body is not None and not isinstance(body, JsonBytes):
            body = JsonBytes.of(
                json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            )
        content: bytes | None = None
        if body is not None:
            if body.size > MAX_BODY_BYTES:
                raise SyncError("That is more than the server takes at once; nothing was sent.")
            headers["Content-Type"] = "application/json"
            content = body.data
            if body.compressed:
                headers["Content-Encoding"] = "gzip"
        import httpx

        try:
            response = self._http.request(method, path, content=content, headers=headers)
        except httpx.TimeoutException as exc:
            raise Offline(
                f"The sync server at {self.server_url} did not answer in time. Your progress is "
                "kept here and will be sent later."
            ) from exc
        except httpx.TransportError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                raise SyncError(_untrusted(self.server_url, str(exc))) from exc
            if "WRONG_VERSION_NUMBER" in str(exc) or "record layer failure" in str(exc):
                plain = "http://" + self.server_url.split("://", 1)[1]
                raise SyncError(
                    f"The server at {self.server_url} does not speak https. If it runs on this "
                    f"computer or a network you trust, use {plain} (plain http)."
                ) from exc
            raise Offline(
                f"Cannot reach the sync server at {self.server_url} ({_reason(exc)}). Your "
                "progress is kept here and will be sent when it is back."
            ) from exc
        if response.status_code == 204:
            return {}
        data = _json(response)
        if response.is_success:
            if not isinstance(data, dict):
                raise SyncError(f"{self.server_url} did not answer like an AIdioma sync server.")
            return data
        raise self._refusal(response, data)

    def _refusal(self, response: httpx.Response, data: Any) -> SyncError:
        error = data.get("error") if isinstance(data, dict) else None
        code = str(error.get("code", "")) if isinstance(error, dict) else ""
        message = str(error.get("message", "")) if isinstance(error, dict) else ""
        status = response.status_code
        if not code:
            return ServerRefused(
                f"{self.server_url} answered {status} and does not look like an AIdioma sync "
                "server. Check the address.",
                status,
                "not_aidioma",
            )
        if status == 401:
            return AuthError(message or "The server did not accept the sign-in. Sign in again.")
        if status == 429:
            retry = _retry_after(response)  # the server's message says when, in words
            return RateLimited(message or f"Too many attempts. Try again in {retry:.0f} s.", retry)
        return ServerRefused(message or f"The server refused the request ({status}).", status, code)


@dataclass(frozen=True, slots=True)
class JsonBytes:
    """JSON as UTF-8, or gzip-compressed (one or more members) when `compressed`: a request
    body, or the events of a push, which may be encoded on a helper thread while the server
    works (zlib does not hold Python's lock)."""

    data: bytes
    size: int  # bytes of the JSON itself (the server's limit applies to these)
    compressed: bool

    @classmethod
    def of(cls, text: bytes) -> JsonBytes:
        """`text`, compressed when it is large enough for that to pay."""
        if len(text) > GZIP_ABOVE_BYTES:
            return cls(_gzip(text), len(text), compressed=True)
        return cls(text, len(text), compressed=False)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1, mtime=0)  # level 1: most of the gain, fast


_GZIP_END = _gzip(b"}")


_text = json.JSONEncoder(ensure_ascii=False).encode


def encode_events(events: Sequence[StoredEvent]) -> JsonBytes:
    """The JSON array of a push. Stored payloads are compact JSON already: spliced in, not
    parsed and encoded again."""
    return JsonBytes.of(("[" + ",".join(map(_wire_event, events)) + "]").encode())


def _wire_event(e: StoredEvent) -> str:
    """protocol.WireEvent, as domain Event.to_dict renders it, with the stored payload text."""
    return (
        f'{{"id":"{e.id}","kind":{_text(e.kind)},"hlc":{_text(e.hlc)},'
        f'"device_id":{_text(e.device_id)},"occurred_at":"{format_instant(e.occurred_at)}",'
        f'"tz_offset_min":{int(e.tz_offset_min)},"v":{int(e.v)},"payload":{e.payload_json}}}'
    )


def _trusted_certificates() -> ssl.SSLContext:
    """The certificate authorities this computer trusts: its own store (Windows, macOS, the
    Linux distribution's, SSL_CERT_FILE), not only the public ones httpx bundles. A family's
    server often has a certificate of its own making (mkcert, a home authority) that the family
    installed on each laptop."""
    import ssl

    import truststore

    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _untrusted(server_url: str, error: str) -> str:
    """What to do about a server certificate that did not verify (`error`: OpenSSL's words)."""
    why = error.split("certificate verify failed:", 1)[-1].split("(_ssl.c", 1)[0].strip(" ,.")
    if "mismatch" in why:
        advice = "Use the server's address as its certificate names it."
    elif "expired" in why:
        advice = "The certificate has expired: renew it on the server."
    else:
        advice = (
            "If your family's server has a certificate of its own (mkcert, a home certificate "
            "authority), install that authority's certificate on this computer."
        )
    return (
        f"This computer does not trust the certificate of {server_url} ({why}), so nothing was "
        f"sent. {advice} Your progress is kept here."
    )


def _json(response: httpx.Response) -> Any:
    from pydantic_core import from_json  # a third faster than json.loads on a page of events

    try:
        return from_json(response.content, allow_inf_nan=False)
    except ValueError:
        return None


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(1.0, float(response.headers.get("Retry-After", "60")))
    except ValueError:
        return 60.0


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc).strip()
    if "Connection refused" in text or "[Errno 111]" in text:
        return "connection refused: is the server running?"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host name"
    return text or type(exc).__name__
