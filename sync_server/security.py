"""Passwords (argon2id), opaque bearer tokens, and the family invite code."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .config import Settings

# No 0/O, 1/I/L: the code is read aloud and typed by hand.
_INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_INVITE_GROUPS = 4
_INVITE_GROUP_LEN = 4


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.password_time_cost,
        memory_cost=settings.password_memory_kib,
        parallelism=settings.password_parallelism,
    )


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # A token carries 256 random bits, so a fast hash is enough, and it keeps lookup indexed.
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def new_invite_code() -> str:
    groups = (
        "".join(secrets.choice(_INVITE_ALPHABET) for _ in range(_INVITE_GROUP_LEN))
        for _ in range(_INVITE_GROUPS)
    )
    return "-".join(groups)


def _normal_invite(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def invite_matches(given: str, expected: str) -> bool:
    """Case, spaces and dashes do not matter: people type the code from a note."""
    return hmac.compare_digest(
        _normal_invite(given).encode("utf-8", "surrogateescape"),
        _normal_invite(expected).encode("utf-8"),
    )
