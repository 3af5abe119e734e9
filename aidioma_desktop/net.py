"""The one rule for the addresses a person types (the sync server, a model provider, a
transcription or embedding service): how a bare host is completed, which addresses are not
addresses, and when plain http is refused. Each caller says what is wrong in its own words."""

from __future__ import annotations

import ipaddress
import re
from enum import Enum
from urllib.parse import SplitResult, urlsplit


class Refusal(Enum):
    NOT_AN_ADDRESS = "not an address"  # no http(s) scheme, no host, a port that is no number
    CREDENTIALS = "credentials"  # a name, password, query or fragment: secrets in addresses
    INSECURE = "insecure"  # plain http to another computer, not allowed by the person


def is_loopback(host: str) -> bool:
    """This computer: localhost or a loopback address (127.0.0.0/8, ::1)."""
    host = host.lower()
    if host in ("localhost", "localhost.") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def complete(url: str, default: str = "") -> str:
    """The address as typed, without a trailing slash; a bare host gets http for this
    computer (how local servers start) and https elsewhere."""
    text = url.strip().rstrip("/") or default
    if text and "://" not in text and not _SCHEME_TYPO(text):
        host = urlsplit("//" + text).hostname
        text = ("http://" if host and is_loopback(host) else "https://") + text
    return text


def refusal(text: str, allow_insecure: bool, allow_credentials: bool = False) -> Refusal | None:
    """Why the completed address `text` is refused, or None."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or not _port_ok(parts):
        return Refusal.NOT_AN_ADDRESS
    if not allow_credentials and (
        parts.username or parts.password or parts.query or parts.fragment
    ):
        return Refusal.CREDENTIALS
    if parts.scheme == "http" and not allow_insecure and not is_loopback(parts.hostname):
        return Refusal.INSECURE
    return None


# "htp:/host", "https:host": a scheme typed wrong, not a host name (a port follows a host).
_SCHEME_TYPO = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)").match


def _port_ok(parts: SplitResult) -> bool:
    try:
        parts.port  # noqa: B018 (raises for a port that is not a number)
    except ValueError:
        return False
    return True
