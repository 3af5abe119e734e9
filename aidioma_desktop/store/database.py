"""ProfileDatabase: the one object that owns a profile's SQLite file.

Its API is split into reads and writes (as calibre's db/cache.py); every write that appends
events also updates the projections in the same transaction, so the derived tables can never
disagree with the activity stream. All SQL of the app lives in this package.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, TypeVar, cast

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from ..domain import review
from ..domain.errors import AppError
from ..domain.events import ORDER, SETTINGS, Event, StoredEvent
from ..domain.hlc import HLC_GLOB
from ..domain.learning_day import learning_day
from ..domain.projections import (
    ACCEPT_KINDS,
    CARD_KINDS,
    CONTENT_KINDS,
    DAY_KINDS,
    SETTLE_KINDS,
    DayStats,
    Progress,
    Projection,
    Settlement,
    accepted_key,
    is_initial,
    setting_wins,
    settled_attempt,
    settlement,
)
from ..domain.usage import Spending, spending
from .migrations import APPLICATION_ID, LATEST, MIGRATIONS, REPROJECT
from .models import (
    AcceptedAnswerRow,
    ContentRow,
    DayStatsRow,
    DocumentRow,
    EvaluationCacheRow,
    EventRow,
    Meta,
    OutboxRow,
    ProfileRow,
    ProgressRow,
    SessionContextRow,
    SessionRow,
    SettingRow,
    SettledAttemptRow,
)

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_CHUNK = 500

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(AppError):
    """A problem with a profile database, worded for the person using the app."""


class DatabaseDamaged(StoreError):
    pass


class DatabaseForeign(StoreError):
    pass


class DatabaseTooNew(StoreError):
    pass


class DatabaseBusy(StoreError):
    pass


def _guard(method: Callable[P, R]) -> Callable[P, R]:
    """Turn SQLite failures into StoreErrors that say what happened and that nothing was lost."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            raise _store_error(exc, getattr(args[0], "path", "")) from exc

    return wrapper


def _store_error(exc: Exception, path: object) -> StoreError:
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"The profile database is in use by another program ({path}). "
            "Close other AIdioma windows and try again; nothing was changed."
        )
    if "full" in text:
        return StoreError(
            "The disk is full, so AIdioma could not save. Free some space and try again; "
            "what was saved before is safe."
        )
    return DatabaseDamaged(
        f"The profile database {path} is damaged ({cause}). It was left untouched; "
        "restore it from a backup or sync it again."
    )


@dataclass(frozen=True, slots=True)
class ContentItem:
    id: str
    origin: str
    level: str
    category: str
    es: str
    en: str
    data: dict[str, Any]


class Resettled(NamedTuple):
    """An attempt whose settlement changed: it counted as `before` says, now as `after`."""

    content_id: str
    attempt_id: str
    before: Settlement | None
    after: Settlement


class OutboxBatch(NamedTuple):
    events: list[StoredEvent]
    positions: list[int]  # each one's place in the outbox: the next batch starts after one


@dataclass(frozen=True, slots=True)
class AppendResult:
    new: list[Event]  # the events that were not already stored
    replayed_cards: int  # cards recomputed because an event landed before ones applied


def _row_to_event(row: Any) -> Event:
    return Event(
        id=row.id,
        kind=row.kind,
        hlc=row.hlc,
        device_id=row.device_id,
        occurred_at=row.occurred_at,
        tz_offset_min=row.tz_offset_min,
        payload=json.loads(row.payload),
        v=row.v,
    )


_INSERT_EVENT = (
    "INSERT OR IGNORE INTO events (id, kind, hlc, device_id, occurred_at, tz_offset_min, v, "
    "payload, content_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _event_rows(events: Sequence[Event]) -> list[tuple[Any, ...]]:
    """Rows for _INSERT_EVENT. Payloads as compact UTF-8 JSON by pydantic-core, as the sync
    server renders them: 3x faster than the json module for a sync's hundred thousand events.
    Imported on first use (~40 ms), on a worker thread, not at the app's start."""
    from pydantic_core import to_json

    return [
        (
            e.id,
            e.kind,
            e.hlc,
            e.device_id,
            e.occurred_at,
            e.tz_offset_min,
            e.v,
            to_json(e.payload).decode(),
            e.payload.get("content_id") if e.kind in CONTENT_KINDS else None,
        )
        for e in events
    ]


def _progress_values(p: Progress) -> dict[str, Any]:
    return {
        "content_id": p.content_id,
        "attempts": p.attempts,
        "reviews": p.reviews,
        "best_score": p.best_score,
        "score_sum": p.score_sum,
        "first_seen_ms": p.first_seen_ms,
        "last_seen_ms": p.last_seen_ms,
        "card": json.dumps(review.card_to_dict(p.card)) if p.card is not None else None,
        "due_ms": p.due_ms,
        "mastered": p.mastered,
        "lapses": p.lapses,
        "last_hlc": p.last_key[0],
        "last_id": p.last_key[1],
    }


_PROGRESS_FIELDS = tuple(ProgressRow.__table__.columns.keys())
_PROGRESS_COLUMNS = ", ".join(_PROGRESS_FIELDS)
_UPSERT_PROGRESS = (
    f"INSERT OR REPLACE INTO progress ({_PROGRESS_COLUMNS}) "
    f"VALUES ({', '.join('?' * len(_PROGRESS_FIELDS))})"
)


def _progress_from_row(r: Any) -> Progress:
    return Progress(
        content_id=r.content_id,
        attempts=r.attempts,
        reviews=r.reviews,
        best_score=r.best_score,
        score_sum=r.score_sum,
        first_seen_ms=r.first_seen_ms,
        last_seen_ms=r.last_seen_ms,
        card=review.card_from_dict(json.loads(r.card)) if r.card else None,
        due_ms=r.due_ms,
        lapses=r.lapses,
        last_key=(r.last_hlc, r.last_id),
    )


_DAY_FIELDS = (
    "practice_ms",
    "attempts",
    "score_sum",
    "hints_used",
    "reviews",
    "readings",
    "conversations",
    "correct",
)


def _day_values(d: DayStats) -> dict[str, Any]:
    return {"day": d.day.isoformat(), **{f: getattr(d, f) for f in _DAY_FIELDS}}


def _day_from_row(r: DayStatsRow) -> DayStats:
    return DayStats(date.fromisoformat(r.day), **{f: getattr(r, f) for f in _DAY_FIELDS})


def _content_values(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "origin": item["origin"],
        "level": item["level"],
        "category": item["category"],
        "es": item["es"],
        "en": item["en"],
        "data": json.dumps(item.get("data", {}), ensure_ascii=False),
        "added_hlc": item.get("added_hlc"),
    }


def _item(r: ContentRow) -> ContentItem:
    return ContentItem(r.id, r.origin, r.level, r.category, r.es, r.en, json.loads(r.data))


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ProfileDatabase:
    """One profile's database file: open with `ProfileDatabase.open(path)`."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self._engine = engine

    # ---- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, create: bool = False, schema: int = LATEST) -> ProfileDatabase:
        """Open (and migrate) a profile database; `create` allows a new, empty file.

        `schema` stops the migrations at an older version: only tests of upgrades use it.
        """
        path = Path(path)
        if not path.exists() and not create:
            raise StoreError(f"There is no profile database at {path}.")
        version = _check_file(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            f"sqlite:///{path}",
            # A few connections kept open and reused by the app's threads (data worker, sync,
            # documents): opening one costs ~1 ms with its PRAGMAs. `close` closes them all.
            poolclass=QueuePool,
            pool_size=3,
            max_overflow=5,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _on_connect)
        db = cls(path, engine)
        try:
            if version < schema:
                db._migrate(version, schema)
                kinds = [k for n in range(version + 1, schema + 1) for k in REPROJECT.get(n, ())]
                if version and kinds and db._holds(kinds):
                    db.rebuild_projections()
        except StoreError:
            engine.dispose()
            raise
        return db

    @_guard
    def _holds(self, kinds: Sequence[str]) -> bool:
        """Whether any event of these kinds is stored."""
        with self._session() as s:
            found = s.scalar(select(EventRow.id).where(EventRow.kind.in_(kinds)).limit(1))
            return found is not None

    @_guard
    def _migrate(self, version: int, target: int) -> None:
        raw = self._engine.raw_connection()
        try:
            conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
            for number in range(version + 1, target + 1):
                conn.executescript(
                    "BEGIN IMMEDIATE;"
                    + MIGRATIONS[number - 1]
                    + f";PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {number};"
                    + "COMMIT;"
                )
        except sqlite3.DatabaseError:
            if conn.in_transaction:
                conn.rollback()
            raise
        finally:
            raw.close()

    def close(self) -> None:
        self._engine.dispose()

    def _session(self) -> Session:
        return Session(self._engine, expire_on_commit=False)

    @property
    @_guard
    def schema_version(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    # ---- meta and profile -------------------------------------------------------------

    @_guard
    def meta(self, key: str) -> str | None:
        with self._session() as s:
            return s.scalar(select(Meta.value).where(Meta.key == key))

    @_guard
    def set_meta(self, key: str, value: str) -> None:
        with self._session() as s, s.begin():
            s.merge(Meta(key=key, value=value))

    @_guard
    def profile(self) -> ProfileRow | None:
        with self._session() as s:
            return s.scalar(select(ProfileRow))

    @_guard
    def create_profile(self, profile_id: str, created_at: int, password_hash: str | None) -> None:
        with self._session() as s, s.begin():
            s.add(ProfileRow(id=profile_id, created_at=created_at, password_hash=password_hash))

    @_guard
    def set_password_hash(self, password_hash: str | None) -> None:
        with self._session() as s, s.begin():
            s.execute(update(ProfileRow).values(password_hash=password_hash))

    # ---- events and projections (writes) ----------------------------------------------

    @_guard
    def append(self, events: Sequence[Event]) -> AppendResult:
        """Store events recorded on this device and queue them for sync, in one transaction.

        Idempotent by event id; the projections update with the events (see `_store`).
        """
        with self._session() as s, s.begin():
            result = self._store(s, events)
            if result.new:
                s.execute(insert(OutboxRow), [{"event_id": e.id} for e in result.new])
        return result

    @_guard
    def apply_pulled(
        self, events: Sequence[Event], sent: Sequence[str], meta: dict[str, str]
    ) -> AppendResult:
        """One sync round trip, in one transaction: the events pulled from other devices (not
        queued: they are the server's already), the outbox rows the server acknowledged, and the
        sync state (the new cursor). A crash leaves either all of it or none of it."""
        with self._session() as s, s.begin():
            result = self._store(s, events)
            if sent:
                s.connection().exec_driver_sql(
                    "DELETE FROM outbox WHERE event_id = ?", [(i,) for i in sent]
                )
            for key, value in meta.items():
                s.merge(Meta(key=key, value=value))
        return result

    def _store(self, s: Session, events: Sequence[Event]) -> AppendResult:
        """Insert the events not stored yet and update the projections with them.

        An event sorting before ones already applied to its card makes that card replay from
        its own events, so the result equals a rebuild from scratch.
        """
        fresh: dict[str, Event] = {}
        for e in events:
            fresh.setdefault(e.id, e)
        new = sorted(fresh.values(), key=ORDER)
        if not new:
            return AppendResult([], 0)
        # The bulk path of a sync: plain rows to the driver, no ORM. Nearly always none of the
        # events is stored yet (a page from the server, what was just recorded): insert them
        # all, skipping any stored before, and look for which those were only if there were.
        conn = s.connection()
        inserted = conn.exec_driver_sql(_INSERT_EVENT, _event_rows(new)).rowcount
        if inserted != len(new):
            # The insert holds the write lock: the rows it added are the `inserted` last ones.
            added = set(
                conn.exec_driver_sql(
                    "SELECT id FROM events ORDER BY rowid DESC LIMIT ?", (inserted,)
                ).scalars()
            )
            new = [e for e in new if e.id in added]
        replayed = self._project(s, [e for e in new if e.known])
        return AppendResult(new, replayed)

    @_guard
    def outbox(self, limit: int, after: int = 0) -> OutboxBatch:
        """The oldest events not yet acknowledged by the sync server, payloads as stored;
        with `after` (one of a batch's `positions`), those queued after that one."""
        with self._session() as s:
            rows = (
                s.connection()
                .exec_driver_sql(
                    "SELECT e.id, e.kind, e.hlc, e.device_id, e.occurred_at, e.tz_offset_min, e.v, "
                    "e.payload, o.seq FROM outbox o JOIN events e ON e.id = o.event_id "
                    "WHERE o.refused IS NULL AND o.seq > ? ORDER BY o.seq LIMIT ?",
                    (after, limit),
                )
                .fetchall()
            )
            return OutboxBatch([StoredEvent(*row[:8]) for row in rows], [row[8] for row in rows])

    @_guard
    def outbox_count(self) -> int:
        """Events waiting to be sent (not counting those the server refused)."""
        with self._session() as s:
            return (
                s.scalar(
                    select(func.count()).select_from(OutboxRow).where(OutboxRow.refused.is_(None))
                )
                or 0
            )

    @_guard
    def refused(self) -> list[tuple[str, str]]:
        """(event id, the server's reason) of the events the server refused."""
        with self._session() as s:
            rows = s.execute(
                select(OutboxRow.event_id, OutboxRow.refused)
                .where(OutboxRow.refused.is_not(None))
                .order_by(OutboxRow.seq)
            )
            return [(i, str(r)) for i, r in rows]

    @_guard
    def refuse(self, event_id: str, reason: str) -> None:
        """Set an event the server refused aside: it stays stored and listed, unsent."""
        with self._session() as s, s.begin():
            s.execute(
                update(OutboxRow).where(OutboxRow.event_id == event_id).values(refused=reason)
            )

    @_guard
    def requeue_all(self, forget: Sequence[str]) -> None:
        """Queue every stored event again and forget the sync state keys `forget`: for an
        account that must receive all of this profile's history (the server ignores what it
        has), e.g. a newly linked one or one whose server lost events."""
        with self._session() as s, s.begin():
            s.execute(delete(OutboxRow))
            s.connection().exec_driver_sql(
                "INSERT INTO outbox (event_id) SELECT id FROM events ORDER BY hlc, id"
            )
            s.execute(delete(Meta).where(Meta.key.in_(list(forget))))

    def _project(self, s: Session, new: list[Event]) -> int:
        old_day_start = self._setting_value(s, "day_starts_at")
        self._apply_settings(s, [e for e in new if e.kind == "setting.changed"])
        for e in new:
            if e.kind == "card.added":
                self._apply_card_added(s, e)
        # Settlements before the days and cards: new attempts count as they are settled, and
        # attempts stored before count anew.
        resettled = self._apply_settlements(s, [e for e in new if e.kind in SETTLE_KINDS])
        self._apply_accepted(s, [e for e in new if e.kind in ACCEPT_KINDS])
        day_start = self._setting_value(s, "day_starts_at")
        if day_start != old_day_start:
            self._rebuild_days(s, day_start)
        else:
            fresh = {e.id for e in new} if resettled else set()
            self._apply_days(
                s,
                [e for e in new if e.kind in DAY_KINDS],
                day_start,
                [r for r in resettled if r.attempt_id not in fresh],
            )
        return self._apply_cards(
            s, [e for e in new if e.kind in CARD_KINDS], {r.content_id for r in resettled}
        )

    def _apply_cards(self, s: Session, events: list[Event], replay: set[str]) -> int:
        """Fold new card events into their cards; the cards in `replay` (an attempt of theirs
        was settled anew) and those an event lands before the last applied are replayed from
        their own events."""
        by_card: dict[str, list[Event]] = {cid: [] for cid in replay}
        for e in events:
            by_card.setdefault(e.payload["content_id"], []).append(e)
        # Plain rows to and from the driver: a sync's page touches hundreds of cards.
        conn = s.connection()
        rows: dict[str, Any] = {}
        for chunk in _chunks(list(by_card)):
            rows.update(
                (r.content_id, r)
                for r in conn.exec_driver_sql(
                    f"SELECT {_PROGRESS_COLUMNS} FROM progress "
                    f"WHERE content_id IN ({', '.join('?' * len(chunk))})",
                    tuple(chunk),
                )
            )
        settled = self._settlements(s, list(by_card))
        replayed = 0
        upserts = []
        for cid, card_events in by_card.items():
            row = rows.get(cid)
            progress = _progress_from_row(row) if row else Progress(cid)
            if cid in replay or card_events[0].order_key < progress.last_key:
                replayed += 1
                progress = Progress(cid)
                card_events = self._card_events(s, cid)
                if not card_events:
                    continue  # its attempt has not arrived yet: no card so far
            for e in card_events:
                progress.apply(e, settled.get((cid, e.id)) if settled else None)
            values = _progress_values(progress)
            upserts.append(tuple(values[name] for name in _PROGRESS_FIELDS))
        if upserts:
            conn.exec_driver_sql(_UPSERT_PROGRESS, upserts)
        return replayed

    def _card_events(self, s: Session, content_id: str) -> list[Event]:
        rows = s.execute(
            select(EventRow)
            .where(EventRow.content_id == content_id)
            .order_by(EventRow.hlc, EventRow.id)
        ).scalars()
        return [e for e in map(_row_to_event, rows) if e.known and e.kind in CARD_KINDS]

    def _settlements(
        self, s: Session, content_ids: Iterable[str]
    ) -> dict[tuple[str, str], Settlement]:
        """The settlements of these cards' attempts, by (content id, attempt id)."""
        found: dict[tuple[str, str], Settlement] = {}
        conn = s.connection()
        for chunk in _chunks(list(content_ids)):
            rows = conn.exec_driver_sql(
                "SELECT content_id, attempt_id, verdict, score, hlc, event_id "
                f"FROM settled_attempts WHERE content_id IN ({', '.join('?' * len(chunk))})",
                tuple(chunk),
            )
            for cid, aid, verdict, score, hlc, event_id in rows:
                found[(cid, aid)] = Settlement((hlc, event_id), verdict, score)
        return found

    def _apply_settlements(self, s: Session, events: list[Event]) -> list[Resettled]:
        """Each attempt takes the settlement of the latest event that settles it, stored or
        new; returns the attempts whose settlement changed."""
        winner: dict[tuple[str, str], Settlement] = {}
        for e in events:
            settled = settlement(e)
            if settled is None:
                continue
            attempt = settled_attempt(e)
            held = winner.get(attempt)
            if held is None or held.key < settled.key:
                winner[attempt] = settled
        if not winner:
            return []
        stored = self._settlements(s, {cid for cid, _aid in winner})
        changed = []
        for (cid, aid), after in winner.items():
            before = stored.get((cid, aid))
            if before is not None and before.key >= after.key:
                continue
            s.merge(
                SettledAttemptRow(
                    content_id=cid,
                    attempt_id=aid,
                    verdict=after.verdict,
                    score=after.score,
                    hlc=after.key[0],
                    event_id=after.key[1],
                )
            )
            changed.append(Resettled(cid, aid, before, after))
        s.flush()
        return changed

    def _apply_accepted(self, s: Session, events: list[Event]) -> None:
        """Each accepted answer takes the latest event of it, stored or new."""
        winner: dict[tuple[str, str, str], Event] = {}
        for e in events:
            key = accepted_key(e)
            held = winner.get(key)
            if held is None or held.order_key < e.order_key:
                winner[key] = e
        for (cid, direction, answer), e in winner.items():
            row = s.get(AcceptedAnswerRow, (cid, direction, answer))
            if row is not None and (row.hlc, row.event_id) >= e.order_key:
                continue
            s.merge(
                AcceptedAnswerRow(
                    content_id=cid,
                    direction=direction,
                    answer_key=answer,
                    answer=e.payload["answer"],
                    accepted=e.kind == "answer.accepted",
                    hlc=e.hlc,
                    event_id=e.id,
                )
            )
        s.flush()

    def _stored_attempts(self, s: Session, resettled: list[Resettled]) -> list[Event]:
        """The stored attempts (known to this build) that these settlements are about."""
        attempts: list[Event] = []
        wanted = {(r.content_id, r.attempt_id) for r in resettled}
        for chunk in _chunks([r.attempt_id for r in resettled]):
            rows = s.execute(select(EventRow).where(EventRow.id.in_(chunk))).scalars()
            attempts.extend(
                e
                for e in map(_row_to_event, rows)
                if e.known
                and e.kind == "practice.attempted"
                and (e.payload["content_id"], e.id) in wanted
            )
        return attempts

    def _apply_days(
        self,
        s: Session,
        events: list[Event],
        day_start: int,
        resettled: Sequence[Resettled] = (),
    ) -> None:
        """Add new events to their days, and count anew the stored attempts in `resettled`."""
        changes = {(r.content_id, r.attempt_id): r for r in resettled}
        stored = self._stored_attempts(s, list(changes.values())) if changes else []
        if not events and not stored:
            return
        by_day: dict[date, list[Event]] = {}
        for e in events:
            day = learning_day(e.occurred_at, e.tz_offset_min, day_start)
            by_day.setdefault(day, []).append(e)
        again: dict[date, list[Event]] = {}
        for e in stored:
            day = learning_day(e.occurred_at, e.tz_offset_min, day_start)
            again.setdefault(day, []).append(e)
        practised = {e.payload["content_id"] for e in events if e.kind == "practice.attempted"}
        settled = self._settlements(s, practised) if practised else {}
        stats: dict[date, DayStats] = {}
        for chunk in _chunks([d.isoformat() for d in {*by_day, *again}]):
            rows = s.scalars(select(DayStatsRow).where(DayStatsRow.day.in_(chunk)))
            stats.update((d.day, d) for d in map(_day_from_row, rows))
            s.execute(delete(DayStatsRow).where(DayStatsRow.day.in_(chunk)))
        for day, day_events in by_day.items():
            day_stats = stats.setdefault(day, DayStats(day))
            for e in day_events:
                of_attempt = None
                if settled and e.kind == "practice.attempted":
                    of_attempt = settled.get((e.payload["content_id"], e.id))
                day_stats.apply(e, of_attempt)
        for day, day_attempts in again.items():
            day_stats = stats.setdefault(day, DayStats(day))
            for e in day_attempts:
                change = changes[(e.payload["content_id"], e.id)]
                day_stats.resettle(e.payload, change.before, change.after)
        s.execute(insert(DayStatsRow), [_day_values(d) for d in stats.values()])

    def _rebuild_days(self, s: Session, day_start: int) -> None:
        s.execute(delete(DayStatsRow))
        events = [
            e
            for e in map(
                _row_to_event,
                s.execute(select(EventRow).where(EventRow.kind.in_(DAY_KINDS))).scalars(),
            )
            if e.known
        ]
        self._apply_days(s, events, day_start)

    def _setting_value(self, s: Session, key: str) -> Any:
        raw = s.scalar(select(SettingRow.value).where(SettingRow.key == key))
        return json.loads(raw) if raw is not None else SETTINGS[key][1]

    def _apply_settings(self, s: Session, events: list[Event]) -> None:
        """Each setting takes the value of the event that wins (setting_wins), stored or new."""
        winner: dict[str, Event] = {}
        for e in events:
            key, held = e.payload["key"], winner.get(e.payload["key"])
            if held is None or setting_wins(
                e.order_key, is_initial(e), held.order_key, is_initial(held)
            ):
                winner[key] = e
        if not winner:
            return
        stored = s.scalars(select(SettingRow).where(SettingRow.key.in_(list(winner))))
        rows = {r.key: r for r in stored}
        for key, e in winner.items():
            row = rows.get(key)
            value, initial = json.dumps(e.payload["value"]), is_initial(e)
            if row is None:
                s.add(SettingRow(key=key, value=value, hlc=e.hlc, event_id=e.id, initial=initial))
            elif setting_wins(e.order_key, initial, (row.hlc, row.event_id), row.initial):
                row.value, row.hlc, row.event_id, row.initial = value, e.hlc, e.id, initial
        s.flush()

    def _apply_card_added(self, s: Session, e: Event) -> None:
        p = e.payload
        cid = p["content_id"]
        row = s.get(ContentRow, cid)
        if row is not None and (row.origin == "library" or (row.added_hlc or "") >= e.hlc):
            return
        if row is not None:
            s.delete(row)
            s.flush()
        s.add(ContentRow(**_content_values(_added_item(e))))
        s.flush()

    @_guard
    def rebuild_projections(self) -> None:
        """Recompute every projection from the activity stream (the reference result)."""
        with self._session() as s, s.begin():
            state = Projection.rebuild(self._all_events(s))
            s.execute(delete(ProgressRow))
            s.execute(delete(DayStatsRow))
            s.execute(delete(SettingRow))
            s.execute(delete(SettledAttemptRow))
            s.execute(delete(AcceptedAnswerRow))
            s.execute(delete(ContentRow).where(ContentRow.origin == "added"))
            if state.progress:
                s.execute(
                    insert(ProgressRow), [_progress_values(p) for p in state.progress.values()]
                )
            if state.days:
                s.execute(insert(DayStatsRow), [_day_values(d) for d in state.days.values()])
            if state.settled:
                s.execute(
                    insert(SettledAttemptRow),
                    [
                        {
                            "content_id": cid,
                            "attempt_id": aid,
                            "verdict": st.verdict,
                            "score": st.score,
                            "hlc": st.key[0],
                            "event_id": st.key[1],
                        }
                        for (cid, aid), st in state.settled.items()
                    ],
                )
            if state.accepted:
                s.execute(
                    insert(AcceptedAnswerRow),
                    [
                        {
                            "content_id": cid,
                            "direction": direction,
                            "answer_key": key,
                            "answer": a.answer,
                            "accepted": a.accepted,
                            "hlc": a.key[0],
                            "event_id": a.key[1],
                        }
                        for (cid, direction, key), a in state.accepted.items()
                    ],
                )
            for key, sv in state.settings.items():
                s.add(
                    SettingRow(
                        key=key,
                        value=json.dumps(sv.value),
                        hlc=sv.key[0],
                        event_id=sv.key[1],
                        initial=sv.initial,
                    )
                )
            library = set(s.scalars(select(ContentRow.id).where(ContentRow.origin == "library")))
            for added in state.added.values():
                if added.content_id not in library:
                    e = Event(added.key[1], "card.added", added.key[0], "", 0, 0, added.payload)
                    s.add(ContentRow(**_content_values(_added_item(e))))

    # ---- events and projections (reads) -----------------------------------------------

    def _all_events(self, s: Session) -> list[Event]:
        # The hot path of a rebuild: plain tuples from the driver, no ORM rows.
        rows = s.connection().exec_driver_sql(
            "SELECT id, kind, hlc, device_id, occurred_at, tz_offset_min, payload, v "
            "FROM events ORDER BY hlc, id"
        )
        loads = json.loads
        return [Event(i, k, h, d, o, tz, loads(p), v) for i, k, h, d, o, tz, p, v in rows]

    @_guard
    def events(self) -> list[Event]:
        """Every event, in (hlc, id) order."""
        with self._session() as s:
            return self._all_events(s)

    @_guard
    def event_count(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count()).select_from(EventRow)) or 0

    @_guard
    def last_hlc(self) -> str | None:
        """The latest clock value stored that is one as the apps write it: an older version
        also took other scripts' digits, which sort after every real clock and do not parse."""
        with self._session() as s:
            return s.scalar(
                select(EventRow.hlc)
                .where(EventRow.hlc.op("GLOB")(HLC_GLOB))
                .order_by(EventRow.hlc.desc())
                .limit(1)
            )

    @_guard
    def progress(self, content_id: str) -> Progress | None:
        with self._session() as s:
            row = s.get(ProgressRow, content_id)
            return _progress_from_row(row) if row else None

    @_guard
    def all_progress(self) -> list[Progress]:
        with self._session() as s:
            return [
                _progress_from_row(r)
                for r in s.scalars(select(ProgressRow).order_by(ProgressRow.content_id))
            ]

    @_guard
    def accepted_answers(self, content_id: str, direction: str) -> list[str]:
        """The answers the person accepted for this sentence and direction ("I was right"),
        as they typed them, oldest first; those taken back are left out."""
        with self._session() as s:
            return list(
                s.scalars(
                    select(AcceptedAnswerRow.answer)
                    .where(
                        AcceptedAnswerRow.content_id == content_id,
                        AcceptedAnswerRow.direction == direction,
                        AcceptedAnswerRow.accepted.is_(True),
                    )
                    .order_by(AcceptedAnswerRow.hlc, AcceptedAnswerRow.event_id)
                )
            )

    @_guard
    def day_stats(self, first: date | None = None, last: date | None = None) -> list[DayStats]:
        with self._session() as s:
            query = select(DayStatsRow).order_by(DayStatsRow.day)
            if first is not None:
                query = query.where(DayStatsRow.day >= first.isoformat())
            if last is not None:
                query = query.where(DayStatsRow.day <= last.isoformat())
            return [_day_from_row(r) for r in s.scalars(query)]

    @_guard
    def active_days(self) -> list[date]:
        """Learning days with at least one qualifying activity."""
        with self._session() as s:
            rows = s.scalars(
                select(DayStatsRow.day).where(
                    DayStatsRow.attempts
                    + DayStatsRow.reviews
                    + DayStatsRow.readings
                    + DayStatsRow.conversations
                    > 0
                )
            )
            return [date.fromisoformat(d) for d in rows]

    @_guard
    def settings(self) -> dict[str, Any]:
        """The synced settings that were set (callers fill in defaults)."""
        with self._session() as s:
            return {r.key: json.loads(r.value) for r in s.scalars(select(SettingRow))}

    @_guard
    def due_count(self, now_ms: int) -> int:
        with self._session() as s:
            return (
                s.scalar(
                    select(func.count())
                    .select_from(ProgressRow)
                    .where(ProgressRow.due_ms <= now_ms)
                )
                or 0
            )

    @_guard
    def new_cards_since(self, since_ms: int) -> int:
        """How many cards were seen for the first time at or after `since_ms`."""
        with self._session() as s:
            return (
                s.scalar(
                    select(func.count())
                    .select_from(ProgressRow)
                    .where(ProgressRow.first_seen_ms >= since_ms)
                )
                or 0
            )

    # ---- content ----------------------------------------------------------------------

    @_guard
    def sync_library(self, items: Iterable[dict[str, Any]], digest: str) -> bool:
        """Load the shipped library when it changed (its digest differs); True if it did."""
        with self._session() as s, s.begin():
            if s.scalar(select(Meta.value).where(Meta.key == "library_digest")) == digest:
                return False
            s.execute(delete(ContentRow).where(ContentRow.origin == "library"))
            values = [_content_values({**item, "origin": "library"}) for item in items]
            ids = [v["id"] for v in values]
            for chunk in _chunks(ids):
                s.execute(delete(ContentRow).where(ContentRow.id.in_(chunk)))
            if values:
                s.execute(insert(ContentRow), values)
            s.merge(Meta(key="library_digest", value=digest))
            return True

    @_guard
    def content(self, content_id: str) -> ContentItem | None:
        with self._session() as s:
            row = s.get(ContentRow, content_id)
            return _item(row) if row else None

    @_guard
    def content_count(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count()).select_from(ContentRow)) or 0

    @_guard
    def pick_content(
        self,
        now_ms: int,
        level: str | None = None,
        category: str | None = None,
        exclude: Sequence[str] = (),
    ) -> ContentItem | None:
        """The next item to practise: a due card first, then an unseen one, then the stalest."""
        with self._session() as s:
            base = select(ContentRow).outerjoin(
                ProgressRow, ProgressRow.content_id == ContentRow.id
            )
            if level:
                base = base.where(ContentRow.level == level)
            if category:
                base = base.where(ContentRow.category == category)
            if exclude:
                base = base.where(ContentRow.id.not_in(list(exclude)))
            for query in (
                base.where(ProgressRow.due_ms <= now_ms).order_by(ProgressRow.due_ms),
                base.where(ProgressRow.content_id.is_(None)).order_by(func.random()),
                base.order_by(ProgressRow.last_seen_ms),
            ):
                row = s.scalars(query.limit(1)).first()
                if row is not None:
                    return _item(row)
            return None

    @_guard
    def due_items(self, now_ms: int, limit: int) -> list[tuple[ContentItem, Progress]]:
        with self._session() as s:
            rows = s.execute(
                select(ContentRow, ProgressRow)
                .join(ProgressRow, ProgressRow.content_id == ContentRow.id)
                .where(ProgressRow.due_ms <= now_ms)
                .order_by(ProgressRow.due_ms)
                .limit(limit)
            )
            return [(_item(c), _progress_from_row(p)) for c, p in rows]

    @_guard
    def unseen_items(self, level: str | None, limit: int) -> list[ContentItem]:
        with self._session() as s:
            query = (
                select(ContentRow)
                .outerjoin(ProgressRow, ProgressRow.content_id == ContentRow.id)
                .where(ProgressRow.content_id.is_(None))
                .order_by(ContentRow.id)
                .limit(limit)
            )
            if level:
                query = query.where(ContentRow.level == level)
            return [_item(r) for r in s.scalars(query)]

    @_guard
    def categories(self) -> list[str]:
        with self._session() as s:
            return list(
                s.scalars(select(ContentRow.category).distinct().order_by(ContentRow.category))
            )

    @_guard
    def mastery_by(self, column: str) -> list[tuple[str, int, int, int]]:
        """(group, items, seen, mastered) per content level or category."""
        col = {"level": ContentRow.level, "category": ContentRow.category}[column]
        with self._session() as s:
            rows = s.execute(
                select(
                    col,
                    func.count(ContentRow.id),
                    func.count(ProgressRow.content_id),
                    func.coalesce(func.sum(ProgressRow.mastered), 0),
                )
                .outerjoin(ProgressRow, ProgressRow.content_id == ContentRow.id)
                .group_by(col)
                .order_by(col)
            )
            return [(g, int(n), int(seen), int(m)) for g, n, seen, m in rows]

    # ---- sessions and their context ---------------------------------------------------

    @_guard
    def open_session(self, session_id: str, now_ms: int) -> None:
        with self._session() as s, s.begin():
            s.add(SessionRow(id=session_id, started_at=now_ms, ended_at=None))

    @_guard
    def end_session(self, session_id: str, now_ms: int) -> None:
        """End a session and delete everything it kept (conversation turns)."""
        with self._session() as s, s.begin():
            _secure_delete(s, SessionContextRow.session_id == session_id)
            s.execute(update(SessionRow).where(SessionRow.id == session_id).values(ended_at=now_ms))
        self._checkpoint()

    @_guard
    def end_stale_sessions(self, now_ms: int) -> list[str]:
        """Sessions that never logged out (a crash or a kill): end them and wipe their context."""
        with self._session() as s, s.begin():
            stale = list(s.scalars(select(SessionRow.id).where(SessionRow.ended_at.is_(None))))
            if stale:
                _secure_delete(s, SessionContextRow.session_id.in_(stale))
                s.execute(
                    update(SessionRow).where(SessionRow.id.in_(stale)).values(ended_at=now_ms)
                )
        if stale:
            self._checkpoint()
        return stale

    @_guard
    def add_turn(
        self, session_id: str, conversation_id: str, role: str, content: str, now_ms: int
    ) -> None:
        """One turn of a tutor conversation: kept only until the conversation ends."""
        with self._session() as s, s.begin():
            s.add(
                SessionContextRow(
                    session_id=session_id,
                    conversation_id=conversation_id,
                    role=role,
                    content=content,
                    created_at=now_ms,
                )
            )

    @_guard
    def turns(self, conversation_id: str) -> list[tuple[str, str]]:
        with self._session() as s:
            rows = s.execute(
                select(SessionContextRow.role, SessionContextRow.content)
                .where(SessionContextRow.conversation_id == conversation_id)
                .order_by(SessionContextRow.id)
            )
            return [(r, c) for r, c in rows]

    @_guard
    def wipe_conversation(self, conversation_id: str) -> None:
        """Delete a conversation's turns so that their text is nowhere in the files: the pages
        overwritten (secure_delete) and the write-ahead log emptied into the database."""
        with self._session() as s, s.begin():
            _secure_delete(s, SessionContextRow.conversation_id == conversation_id)
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Empty the write-ahead log into the database and truncate it: deleted text lingers
        in the log's frames until then. Best effort: another connection reading may keep it
        busy, and the next checkpoint (SQLite's own, or at close) finishes it."""
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except (DatabaseError, sqlite3.DatabaseError):  # a full disk: the wipe itself is done
            log.warning("The write-ahead log could not be checkpointed now")

    # ---- the AI tutor's reads: the learner as the tutor is told of them ------------------

    @_guard
    def frequent_feedback_kinds(self, limit: int) -> list[tuple[str, int]]:
        """The learner's most frequent error kinds and how often, from feedback.recorded on
        all their devices."""
        with self._session() as s:
            rows = s.connection().exec_driver_sql(
                "SELECT json_extract(payload, '$.feedback_type') AS kind, count(*) AS n "
                "FROM events WHERE kind = 'feedback.recorded' "
                "GROUP BY 1 ORDER BY n DESC, kind LIMIT ?",
                (limit,),
            )
            return [(str(kind), int(n)) for kind, n in rows if kind]

    @_guard
    def practice_words(self, now_ms: int, limit: int) -> list[str]:
        """Words (added cards of one or two words) new, due now or failed before, most due
        first: the ones the tutor works into the conversation."""
        with self._session() as s:
            rows = s.connection().exec_driver_sql(
                "SELECT c.es, c.en FROM content c LEFT JOIN progress p ON p.content_id = c.id "
                "WHERE c.origin = 'added' AND (p.due_ms IS NULL OR p.due_ms <= ? OR p.lapses > 0) "
                "ORDER BY coalesce(p.due_ms, 0) LIMIT ?",
                (now_ms, limit * 3),
            )
            found: list[str] = []
            for es, en in rows:
                for text in (es, en):
                    if len(str(text).split()) <= 2 and len(found) < limit:
                        found.append(str(text))
                        break
            return found

    @_guard
    def ai_spending(self, now_ms: int, tz_offset_min: int, budget_usd: float | None) -> Spending:
        """This calendar month's model calls (in the person's time zone now), by service."""
        local = datetime.fromtimestamp(now_ms / 1000, UTC) + timedelta(minutes=tz_offset_min)
        month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        start_ms = int((month_start - timedelta(minutes=tz_offset_min)).timestamp() * 1000)
        with self._session() as s:
            rows = s.connection().exec_driver_sql(
                "SELECT json_extract(payload, '$.service'), json_extract(payload, '$.cost') "
                "FROM events WHERE kind = 'ai.used' AND occurred_at >= ?",
                (start_ms,),
            )
            return spending(((str(svc), float(cost or 0)) for svc, cost in rows), budget_usd)

    # ---- documents (metadata only) and the evaluation cache ----------------------------

    @_guard
    def documents(self) -> list[DocumentRow]:
        with self._session() as s:
            return list(
                s.scalars(select(DocumentRow).order_by(DocumentRow.uploaded_at, DocumentRow.id))
            )

    # (documents: written by services/library.py; never a document's content)
    @_guard
    def add_document(
        self,
        doc_id: str,
        session_id: str | None,
        filename: str,
        file_type: str,
        uploaded_at: int,
        status: str,
        error: str | None = None,
        size_bytes: int = 0,
    ) -> None:
        with self._session() as s, s.begin():
            s.add(
                DocumentRow(
                    id=doc_id,
                    session_id=session_id,
                    filename=filename,
                    file_type=file_type,
                    uploaded_at=uploaded_at,
                    status=status,
                    error=error,
                    size_bytes=size_bytes,
                )
            )

    @_guard
    def update_document(
        self,
        doc_id: str,
        status: str,
        error: str | None = None,
        *,
        words: int | None = None,
        language: str | None = None,
        level: str | None = None,
    ) -> None:
        """A document's status, and once it is read what is known of it that is not its text:
        its word count, language and level."""
        values: dict[str, Any] = {"status": status, "error": error}
        for name, value in (("words", words), ("language", language), ("level", level)):
            if value is not None:
                values[name] = value
        with self._session() as s, s.begin():
            s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(**values))

    @_guard
    def expire_documents(self, session_id: str | None) -> int:
        """Documents whose session ended (`session_id`, or every session when None) are no
        longer available: their text and vectors lived only in that session."""
        with self._session() as s, s.begin():
            query = update(DocumentRow).where(
                DocumentRow.status.in_(("pending", "processing", "ready"))
            )
            if session_id is not None:
                query = query.where(DocumentRow.session_id == session_id)
            # An UPDATE's result is a CursorResult, which Session.execute's types don't say.
            done = cast("CursorResult[Any]", s.execute(query.values(status="expired")))
            return done.rowcount or 0

    @_guard
    def delete_document(self, doc_id: str) -> None:
        with self._session() as s, s.begin():
            s.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))

    # (end of documents)

    @_guard
    def cached_evaluation(self, key: str) -> dict[str, Any] | None:
        with self._session() as s, s.begin():
            row = s.get(EvaluationCacheRow, key)
            if row is None:
                return None
            row.hit_count += 1
            result: dict[str, Any] = json.loads(row.result)
            return result

    @_guard
    def cached_evaluations(self, group: str) -> list[dict[str, Any]]:
        """Every cached verdict of one sentence and direction (`group`)."""
        with self._session() as s:
            rows = s.scalars(
                select(EvaluationCacheRow.result).where(EvaluationCacheRow.content_id == group)
            )
            return [json.loads(r) for r in rows]

    @_guard
    def cache_evaluation(
        self, key: str, content_id: str, result: dict[str, Any], now_ms: int
    ) -> None:
        with self._session() as s, s.begin():
            s.merge(
                EvaluationCacheRow(
                    key=key,
                    content_id=content_id,
                    result=json.dumps(result),
                    created_at=now_ms,
                    hit_count=0,
                )
            )


def _added_item(e: Event) -> dict[str, Any]:
    p = e.payload
    return {
        "id": p["content_id"],
        "origin": "added",
        "level": p.get("level", "intermediate"),
        "category": p.get("category", "my_cards"),
        "es": p["es"],
        "en": p["en"],
        "data": {"source": p.get("source", ""), "note": p.get("note", "")},
        "added_hlc": e.hlc,
    }


def _check_file(path: Path) -> int:
    """The schema version of an existing profile file (0 for none), read without writing.

    Anything that is not an AIdioma profile is refused before a single byte is changed. Read
    through SQLite only, never a file handle of our own: closing one drops every lock this
    process holds on the file (POSIX locks belong to the process), SQLite's included, and then
    another process closing the profile deletes the write-ahead log this app still writes to.
    The app checks files it has open (the profile list), so a crash lost what was done since.
    """
    if not path.exists() or path.stat().st_size == 0:
        return 0
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
            raise DatabaseForeign(
                f"{path} is not an AIdioma profile (it is not a database file). "
                "It was left untouched."
            ) from exc
        raise _store_error(exc, path) from exc
    if app_id != APPLICATION_ID and (version or tables):
        raise DatabaseForeign(
            f"{path} is a database of another program, not an AIdioma profile. "
            "It was left untouched."
        )
    if version > LATEST:
        raise DatabaseTooNew(
            f"{path} was written by a newer version of AIdioma (schema {version}, this version "
            f"knows {LATEST}). Update the app; the file was left untouched."
        )
    return int(version)


def _secure_delete(s: Session, where: Any) -> None:
    """Delete session context rows with their pages overwritten, not only freed."""
    conn = s.connection()
    conn.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        s.execute(delete(SessionContextRow).where(where))
    finally:
        conn.exec_driver_sql("PRAGMA secure_delete = OFF")


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()
