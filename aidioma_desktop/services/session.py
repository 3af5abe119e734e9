"""Profiles and sessions: create a profile, log in, record events, log out.

A profile is one SQLite file under the data folder's `profiles/`. Logging in opens a session;
logging out ends it and deletes its context (conversation turns). A session that never logged
out (a crash, a kill) is ended and wiped the next time the profile opens.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from aidioma_protocol.checks import EventError
from aidioma_protocol.events import Event
from aidioma_protocol.hlc import Hlc, zero
from aidioma_protocol.ids import uuid7
from aidioma_protocol.limits import MAX_PAYLOAD_BYTES
from aidioma_protocol.payloads import SETTINGS, payload_version, validate_payload

from ..domain.errors import AppError
from ..domain.learning_day import learning_day
from ..domain.projections import default_settings
from ..store.core import StoreError
from ..store.database import ProfileDatabase
from ..store.locks import ProfileLock
from ..store.paths import AppPaths
from .clock import Clock, SystemClock
from .content import ContentLibrary
from .library_session import clean_up_at_login, clean_up_folders, wipe_session

PROFILE_SUFFIX = ".aidioma"
_hasher = PasswordHasher()


# The longest profile name (the setting's rule): forms say so as the name grows past it, rather
# than cutting a pasted name short without a word.
NAME_MAX_CHARS: int = SETTINGS["display_name"][0].high


def name_problem(name: str) -> str | None:
    """What is wrong with a profile name, in words; None when nothing is."""
    name = name.strip()
    if not name:
        return "Type a name: it is how this profile is shown."
    if len(name) > NAME_MAX_CHARS:
        return f"A name can have at most {NAME_MAX_CHARS} characters; this one has {len(name):,}."
    return None


class LoginError(AppError):
    pass


@dataclass(frozen=True)
class ProfileSummary:
    id: str
    display_name: str
    level: str
    target_language: str
    has_password: bool
    path: Path


class Learner:
    """The logged-in profile: its database, device clock and session. Records events."""

    def __init__(self, db: ProfileDatabase, clock: Clock, library: ContentLibrary) -> None:
        self.db = db
        self.clock = clock
        self.library = library
        profile = db.profile()
        if profile is None:
            raise StoreError(f"{db.path} has no profile in it.")
        self.profile_id = profile.id
        self.device_id = db.meta("device_id") or ""
        last = db.last_hlc()
        self._hlc = Hlc.parse(last) if last else zero(self.device_id)
        self._hlc = Hlc(self._hlc.wall_ms, self._hlc.counter, self.device_id)
        self._hlc_lock = threading.Lock()  # the sync thread advances the clock too
        self.session_id: str | None = None
        self.lock: ProfileLock | None = None

    def settings(self) -> dict[str, Any]:
        return default_settings() | self.db.settings()

    def has_password(self) -> bool:
        profile = self.db.profile()
        return bool(profile and profile.password_hash)

    def record(self, kind: str, payload: dict[str, Any]) -> Event:
        """Validate, stamp and store one local event; the projections update with it."""
        return self.record_many([(kind, payload)])[0]

    def record_many(self, items: list[tuple[str, dict[str, Any]]]) -> list[Event]:
        now = self.clock.now_ms()
        cleaned = [(kind, validate_payload(kind, payload)) for kind, payload in items]
        for kind, clean in cleaned:
            size = len(json.dumps(clean, ensure_ascii=False, separators=(",", ":")).encode())
            if size > MAX_PAYLOAD_BYTES:
                raise EventError(
                    f"payload: {size:,} bytes is more than one {kind} can hold "
                    f"({MAX_PAYLOAD_BYTES:,}); nothing was recorded."
                )
        events = []
        with self._hlc_lock:
            for kind, clean in cleaned:
                self._hlc = self._hlc.tick(now)
                events.append(
                    Event(
                        id=uuid7(now),
                        kind=kind,
                        hlc=self._hlc.render(),
                        device_id=self.device_id,
                        occurred_at=now,
                        tz_offset_min=self.clock.tz_offset_min(),
                        payload=clean,
                        v=payload_version(kind, clean),
                    )
                )
        self.db.append(events)
        return events

    def observe(self, events: list[Event]) -> None:
        """Move the clock past events received from other devices (sync), so whatever is
        recorded here next sorts after what this device has seen."""
        if not events:
            return
        # Rendered clocks sort as the clocks do (fixed-width digits): parse only the latest.
        latest = Hlc.parse(max(e.hlc for e in events))
        with self._hlc_lock:
            self._hlc = self._hlc.receive(latest, self.clock.now_ms())

    def change_setting(self, key: str, value: Any) -> None:
        self.change_settings({key: value})

    def change_settings(self, values: dict[str, Any]) -> None:
        """Record the values that differ from the current ones, all or none: every value is
        checked before any is stored."""
        current = self.settings()
        changed = [(k, v) for k, v in values.items() if current.get(k) != v]
        if changed:
            self.record_many([("setting.changed", {"key": k, "value": v}) for k, v in changed])

    def today(self) -> date:
        return learning_day(
            self.clock.now_ms(), self.clock.tz_offset_min(), self.settings()["day_starts_at"]
        )

    def day_start_ms(self) -> int:
        """When the current learning day began (Unix ms)."""
        now = self.clock.now_ms()
        offset = self.clock.tz_offset_min()
        hour: int = self.settings()["day_starts_at"]
        local_ms = now + offset * 60_000 - hour * 3_600_000
        return now - (local_ms % 86_400_000)

    def close(self) -> None:
        self.db.close()
        if self.lock is not None:
            self.lock.release()


class SessionService:
    """Create and list profiles, log in and out."""

    def __init__(
        self,
        paths: AppPaths,
        clock: Clock | None = None,
        library: ContentLibrary | None = None,
    ) -> None:
        self.paths = paths
        self.clock = clock or SystemClock()
        self.library = library or ContentLibrary.load()
        paths.ensure()
        clean_up_folders(paths)  # documents: session folders left by a crash or a kill

    def profiles(self) -> list[ProfileSummary]:
        """Every profile in the data folder; a damaged file is listed as such, not hidden."""
        found = []
        for path in sorted(self.paths.profiles.glob(f"*{PROFILE_SUFFIX}")):
            db = ProfileDatabase.open(path)
            try:
                profile = db.profile()
                if profile is None:
                    continue
                settings = default_settings() | db.settings()
                found.append(
                    ProfileSummary(
                        id=profile.id,
                        display_name=settings["display_name"],
                        level=settings["level"],
                        target_language=settings["target_language"],
                        has_password=bool(profile.password_hash),
                        path=path,
                    )
                )
            finally:
                db.close()
        return sorted(found, key=lambda p: p.display_name.casefold())

    def find(self, name_or_id: str) -> ProfileSummary:
        wanted = name_or_id.strip().casefold()
        profiles = self.profiles()
        for summary in profiles:
            if wanted == summary.id.casefold():
                return summary
        named = [p for p in profiles if p.display_name.casefold() == wanted]
        if len(named) > 1:
            # A name synced from another laptop can match a profile of this one: never guess.
            ids = ", ".join(p.id for p in named)
            raise LoginError(
                f"{len(named)} profiles are called '{name_or_id}'; pick one by its id: {ids}."
            )
        if named:
            return named[0]
        raise LoginError(f"There is no profile called '{name_or_id}'. Create it first.")

    def create_profile(
        self,
        display_name: str,
        *,
        email: str = "",
        primary_language: str = "en",
        target_language: str = "es",
        level: str = "beginner",
        password: str | None = None,
    ) -> ProfileSummary:
        name = display_name.strip()
        problem = name_problem(name)
        if problem:
            raise LoginError(problem)
        if any(p.display_name.casefold() == name.casefold() for p in self.profiles()):
            raise LoginError(f"A profile called '{name}' already exists; pick another name.")
        if primary_language == target_language:
            raise LoginError("The language you learn must differ from your own language.")
        initial = {
            "display_name": name,
            "email": email.strip(),
            "primary_language": primary_language,
            "target_language": target_language,
            "level": level,
        }
        for key, value in initial.items():  # validate everything before touching the disk
            validate_payload("setting.changed", {"key": key, "value": value})
        profile_id = uuid7(self.clock.now_ms())
        path = self.paths.profiles / f"{profile_id}{PROFILE_SUFFIX}"
        db = ProfileDatabase.open(path, create=True)
        try:
            db.set_meta("device_id", secrets.token_hex(8))
            password_hash = _hasher.hash(password) if password else None
            db.create_profile(profile_id, self.clock.now_ms(), password_hash)
            learner = Learner(db, self.clock, self.library)
            # Marked initial: where this profile joins an account that has its own settings
            # (a new laptop), the account's stay (projections.setting_wins).
            learner.record_many(
                [
                    ("setting.changed", {"key": k, "value": v, "initial": True})
                    for k, v in initial.items()
                ]
            )
        finally:
            db.close()
        return self.find(profile_id)

    def login(self, name_or_id: str, password: str | None = None) -> Learner:
        summary = self.find(name_or_id)
        lock = ProfileLock(self.paths.data / "locks" / f"{summary.id}.lock")
        lock.acquire(summary.display_name)
        try:
            db = ProfileDatabase.open(summary.path)
        except BaseException:
            lock.release()
            raise
        try:
            profile = db.profile()
            assert profile is not None
            if profile.password_hash:
                if not password:
                    raise LoginError(f"{summary.display_name}'s profile needs its password.")
                try:
                    _hasher.verify(profile.password_hash, password)
                except (VerificationError, InvalidHashError) as exc:
                    raise LoginError("That password is not right. Try again.") from exc
            now = self.clock.now_ms()
            db.end_stale_sessions(now)
            clean_up_at_login(self.paths, db)  # documents of sessions that ended are gone
            db.sync_library(self.library.store_items(), self.library.digest)
            learner = Learner(db, self.clock, self.library)
            learner.session_id = uuid7(now)
            learner.lock = lock
            db.open_session(learner.session_id, now)
        except BaseException:
            db.close()
            lock.release()
            raise
        return learner

    def logout(self, learner: Learner) -> None:
        """End the session: its context is deleted, then the database is closed."""
        if learner.session_id:
            wipe_session(self.paths, learner.db, learner.session_id)  # documents: all of it
            learner.db.end_session(learner.session_id, self.clock.now_ms())
            learner.session_id = None
        learner.close()

    def set_password(self, learner: Learner, password: str | None) -> None:
        learner.db.set_password_hash(_hasher.hash(password) if password else None)
