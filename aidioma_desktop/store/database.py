"""ProfileDatabase: the one object that owns a profile's SQLite file.

Its API is split into reads and writes (as calibre's db/cache.py); every write that appends
events also updates the projections in the same transaction, so the derived tables can never
disagree with the activity stream (projection_upkeep.py says how; rows.py turns rows into the
app's objects). All SQL of the app lives in this package.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from aidioma_protocol.events import ORDER, Event, StoredEvent
from aidioma_protocol.hlc import HLC_GLOB

from ..domain.projections import (
    DayStats,
    Progress,
)
from ..domain.usage import Spending, spending
from .core import (
    DatabaseForeign,
    DatabaseTooNew,
    StoreError,
    _guard,
    _store_error,
)
from .migrations import APPLICATION_ID, LATEST, MIGRATIONS, REPROJECT
from .models import (
    AcceptedAnswerRow,
    ContentRow,
    DayStatsRow,
    EventRow,
    Meta,
    OutboxRow,
    ProfileRow,
    ProgressRow,
    SettingRow,
)
from .projection_upkeep import all_events, project, rebuild
from .rows import (
    INSERT_EVENT,
    AppendResult,
    ContentItem,
    OutboxBatch,
    chunks,
    content_item,
    content_values,
    day_from_row,
    event_rows,
    progress_from_row,
)
from .session_data import SessionData

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class ProfileDatabase(SessionData):
    """One profile's database file: open with `ProfileDatabase.open(path)`."""

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
        inserted = conn.exec_driver_sql(INSERT_EVENT, event_rows(new)).rowcount
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
        return project(s, new)

    @_guard
    def rebuild_projections(self) -> None:
        """Recompute every projection from the activity stream (the reference result)."""
        with self._session() as s, s.begin():
            rebuild(s)

    # ---- events and projections (reads) -----------------------------------------------

    @_guard
    def events(self) -> list[Event]:
        """Every event, in (hlc, id) order."""
        with self._session() as s:
            return all_events(s)

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
            return progress_from_row(row) if row else None

    @_guard
    def all_progress(self) -> list[Progress]:
        with self._session() as s:
            return [
                progress_from_row(r)
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
            return [day_from_row(r) for r in s.scalars(query)]

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
            values = [content_values({**item, "origin": "library"}) for item in items]
            ids = [v["id"] for v in values]
            for chunk in chunks(ids):
                s.execute(delete(ContentRow).where(ContentRow.id.in_(chunk)))
            if values:
                s.execute(insert(ContentRow), values)
            s.merge(Meta(key="library_digest", value=digest))
            return True

    @_guard
    def content(self, content_id: str) -> ContentItem | None:
        with self._session() as s:
            row = s.get(ContentRow, content_id)
            return content_item(row) if row else None

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
                    return content_item(row)
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
            return [(content_item(c), progress_from_row(p)) for c, p in rows]

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
            return [content_item(r) for r in s.scalars(query)]

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


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()
