"""Projection upkeep: what the derived tables (progress, days, settings, settled attempts,
accepted answers, added cards) become when events are stored, in the same transaction as the
events themselves, and their rebuild from the whole stream (the reference result). Functions of
an open Session: ProfileDatabase (database.py) owns the file and calls them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from aidioma_protocol.events import Event
from aidioma_protocol.payloads import SETTINGS

from ..domain.learning_day import learning_day
from ..domain.projections import (
    ACCEPT_KINDS,
    CARD_KINDS,
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
from .models import (
    AcceptedAnswerRow,
    ContentRow,
    DayStatsRow,
    EventRow,
    ProgressRow,
    SettingRow,
    SettledAttemptRow,
)
from .rows import (
    PROGRESS_COLUMNS,
    PROGRESS_FIELDS,
    UPSERT_PROGRESS,
    Resettled,
    added_item,
    chunks,
    content_values,
    day_from_row,
    day_values,
    event_from_row,
    progress_from_row,
    progress_values,
)


def all_events(s: Session) -> list[Event]:
    # The hot path of a rebuild: plain tuples from the driver, no ORM rows.
    rows = s.connection().exec_driver_sql(
        "SELECT id, kind, hlc, device_id, occurred_at, tz_offset_min, payload, v "
        "FROM events ORDER BY hlc, id"
    )
    loads = json.loads
    return [Event(i, k, h, d, o, tz, loads(p), v) for i, k, h, d, o, tz, p, v in rows]


def project(s: Session, new: list[Event]) -> int:
    old_day_start = _setting_value(s, "day_starts_at")
    _apply_settings(s, [e for e in new if e.kind == "setting.changed"])
    for e in new:
        if e.kind == "card.added":
            _apply_card_added(s, e)
    # Settlements before the days and cards: new attempts count as they are settled, and
    # attempts stored before count anew.
    resettled = _apply_settlements(s, [e for e in new if e.kind in SETTLE_KINDS])
    _apply_accepted(s, [e for e in new if e.kind in ACCEPT_KINDS])
    day_start = _setting_value(s, "day_starts_at")
    if day_start != old_day_start:
        _rebuild_days(s, day_start)
    else:
        fresh = {e.id for e in new} if resettled else set()
        _apply_days(
            s,
            [e for e in new if e.kind in DAY_KINDS],
            day_start,
            [r for r in resettled if r.attempt_id not in fresh],
        )
    return _apply_cards(
        s, [e for e in new if e.kind in CARD_KINDS], {r.content_id for r in resettled}
    )


def _apply_cards(s: Session, events: list[Event], replay: set[str]) -> int:
    """Fold new card events into their cards; the cards in `replay` (an attempt of theirs
    was settled anew) and those an event lands before the last applied are replayed from
    their own events."""
    by_card: dict[str, list[Event]] = {cid: [] for cid in replay}
    for e in events:
        by_card.setdefault(e.payload["content_id"], []).append(e)
    # Plain rows to and from the driver: a sync's page touches hundreds of cards.
    conn = s.connection()
    rows: dict[str, Any] = {}
    for chunk in chunks(list(by_card)):
        rows.update(
            (r.content_id, r)
            for r in conn.exec_driver_sql(
                f"SELECT {PROGRESS_COLUMNS} FROM progress "
                f"WHERE content_id IN ({', '.join('?' * len(chunk))})",
                tuple(chunk),
            )
        )
    settled = _settlements(s, list(by_card))
    replayed = 0
    upserts = []
    for cid, card_events in by_card.items():
        row = rows.get(cid)
        progress = progress_from_row(row) if row else Progress(cid)
        if cid in replay or card_events[0].order_key < progress.last_key:
            replayed += 1
            progress = Progress(cid)
            card_events = _card_events(s, cid)
            if not card_events:
                continue  # its attempt has not arrived yet: no card so far
        for e in card_events:
            progress.apply(e, settled.get((cid, e.id)) if settled else None)
        values = progress_values(progress)
        upserts.append(tuple(values[name] for name in PROGRESS_FIELDS))
    if upserts:
        conn.exec_driver_sql(UPSERT_PROGRESS, upserts)
    return replayed


def _card_events(s: Session, content_id: str) -> list[Event]:
    rows = s.execute(
        select(EventRow)
        .where(EventRow.content_id == content_id)
        .order_by(EventRow.hlc, EventRow.id)
    ).scalars()
    return [e for e in map(event_from_row, rows) if e.known and e.kind in CARD_KINDS]


def _settlements(s: Session, content_ids: Iterable[str]) -> dict[tuple[str, str], Settlement]:
    """The settlements of these cards' attempts, by (content id, attempt id)."""
    found: dict[tuple[str, str], Settlement] = {}
    conn = s.connection()
    for chunk in chunks(list(content_ids)):
        rows = conn.exec_driver_sql(
            "SELECT content_id, attempt_id, verdict, score, hlc, event_id "
            f"FROM settled_attempts WHERE content_id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        )
        for cid, aid, verdict, score, hlc, event_id in rows:
            found[(cid, aid)] = Settlement((hlc, event_id), verdict, score)
    return found


def _apply_settlements(s: Session, events: list[Event]) -> list[Resettled]:
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
    stored = _settlements(s, {cid for cid, _aid in winner})
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


def _apply_accepted(s: Session, events: list[Event]) -> None:
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


def _stored_attempts(s: Session, resettled: list[Resettled]) -> list[Event]:
    """The stored attempts (known to this build) that these settlements are about."""
    attempts: list[Event] = []
    wanted = {(r.content_id, r.attempt_id) for r in resettled}
    for chunk in chunks([r.attempt_id for r in resettled]):
        rows = s.execute(select(EventRow).where(EventRow.id.in_(chunk))).scalars()
        attempts.extend(
            e
            for e in map(event_from_row, rows)
            if e.known
            and e.kind == "practice.attempted"
            and (e.payload["content_id"], e.id) in wanted
        )
    return attempts


def _apply_days(
    s: Session,
    events: list[Event],
    day_start: int,
    resettled: Sequence[Resettled] = (),
) -> None:
    """Add new events to their days, and count anew the stored attempts in `resettled`."""
    changes = {(r.content_id, r.attempt_id): r for r in resettled}
    stored = _stored_attempts(s, list(changes.values())) if changes else []
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
    settled = _settlements(s, practised) if practised else {}
    stats: dict[date, DayStats] = {}
    for chunk in chunks([d.isoformat() for d in {*by_day, *again}]):
        rows = s.scalars(select(DayStatsRow).where(DayStatsRow.day.in_(chunk)))
        stats.update((d.day, d) for d in map(day_from_row, rows))
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
    s.execute(insert(DayStatsRow), [day_values(d) for d in stats.values()])


def _rebuild_days(s: Session, day_start: int) -> None:
    s.execute(delete(DayStatsRow))
    events = [
        e
        for e in map(
            event_from_row,
            s.execute(select(EventRow).where(EventRow.kind.in_(DAY_KINDS))).scalars(),
        )
        if e.known
    ]
    _apply_days(s, events, day_start)


def _setting_value(s: Session, key: str) -> Any:
    raw = s.scalar(select(SettingRow.value).where(SettingRow.key == key))
    return json.loads(raw) if raw is not None else SETTINGS[key][1]


def _apply_settings(s: Session, events: list[Event]) -> None:
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


def _apply_card_added(s: Session, e: Event) -> None:
    p = e.payload
    cid = p["content_id"]
    row = s.get(ContentRow, cid)
    if row is not None and (row.origin == "library" or (row.added_hlc or "") >= e.hlc):
        return
    if row is not None:
        s.delete(row)
        s.flush()
    s.add(ContentRow(**content_values(added_item(e))))
    s.flush()


def rebuild(s: Session) -> None:
    """Recompute every projection from the activity stream (the reference result)."""
    state = Projection.rebuild(all_events(s))
    s.execute(delete(ProgressRow))
    s.execute(delete(DayStatsRow))
    s.execute(delete(SettingRow))
    s.execute(delete(SettledAttemptRow))
    s.execute(delete(AcceptedAnswerRow))
    s.execute(delete(ContentRow).where(ContentRow.origin == "added"))
    if state.progress:
        s.execute(insert(ProgressRow), [progress_values(p) for p in state.progress.values()])
    if state.days:
        s.execute(insert(DayStatsRow), [day_values(d) for d in state.days.values()])
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
            s.add(ContentRow(**content_values(added_item(e))))
