"""The profile database file: migrations, pragmas, and refusing files that are not ours."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from aidioma_desktop.domain.projections import Projection
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.store.core import DatabaseBusy, DatabaseForeign, DatabaseTooNew, StoreError
from aidioma_desktop.store.database import ProfileDatabase
from aidioma_desktop.store.migrations import LATEST
from aidioma_desktop.store.models import Base
from aidioma_desktop.store.paths import AppPaths
from aidioma_desktop.store.rows import day_values, progress_values
from aidioma_protocol.events import Event
from aidioma_protocol.hlc import Hlc
from aidioma_protocol.ids import uuid7

T0 = 1_795_341_600_000


def goal_event(value: int, wall: int = T0) -> Event:
    return Event(
        uuid7(wall),
        "setting.changed",
        Hlc(wall, 0, "dev").render(),
        "dev",
        wall,
        0,
        {"key": "daily_goal", "value": value},
    )


def test_a_new_database_has_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path):
    db = ProfileDatabase.open(tmp_path / "p.aidioma", create=True)
    with db._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    assert db.schema_version == LATEST
    db.close()


def test_the_orm_models_match_the_migrated_schema(tmp_path: Path):
    path = tmp_path / "p.aidioma"
    ProfileDatabase.open(path, create=True).close()
    conn = sqlite3.connect(path)
    for table in Base.metadata.sorted_tables:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table.name})")}
        assert columns == set(table.columns.keys()), table.name
    conn.close()


def test_a_database_of_the_first_schema_version_is_upgraded_with_its_data(tmp_path: Path):
    path = tmp_path / "old.aidioma"
    ProfileDatabase.open(path, create=True, schema=1).close()
    # The event and the setting it made, as the first release wrote them (no outbox yet).
    e = goal_event(25)
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (e.id, e.kind, e.hlc, e.device_id, e.occurred_at, e.tz_offset_min, e.v,
             json.dumps(e.payload)),
        )  # fmt: skip
        raw.execute("INSERT INTO settings VALUES ('daily_goal', '25', ?, ?)", (e.hlc, e.id))
    raw.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1

    upgraded = ProfileDatabase.open(path)
    assert upgraded.schema_version == LATEST
    assert upgraded.settings()["daily_goal"] == 25
    assert upgraded.event_count() == 1
    assert upgraded.documents() == []  # a table that arrived in version 2
    # version 3 brought sync: what was recorded before it waits in the outbox to be sent
    assert [e.id for e in upgraded.outbox(10).events] == [e.id for e in upgraded.events()]
    upgraded.close()


def test_acceptances_an_older_version_kept_unread_count_once_the_profile_is_upgraded(
    tmp_path: Path,
):
    path = tmp_path / "old.aidioma"
    ProfileDatabase.open(path, create=True, schema=6).close()
    at = T0 + 60_000
    attempt = Event(
        uuid7(T0), "practice.attempted", Hlc(T0, 0, "dev").render(), "dev", T0, 0,
        {"content_id": "daily_life.001", "direction": "es-en", "answer": "I arise at seven",
         "score": 54, "verdict": "wrong", "hints_used": 0, "duration_ms": 9000,
         "retention": 0.9, "fuzz": False},
    )  # fmt: skip
    accepted = Event(
        uuid7(at), "answer.accepted", Hlc(at, 0, "other").render(), "other", at, 0,
        {"content_id": "daily_life.001", "direction": "es-en", "answer": "I arise at seven",
         "attempt_id": attempt.id},
    )  # fmt: skip
    # As version 6 stored them: the attempt projected, the acceptance (a kind it did not know,
    # from another laptop) kept unread, without its content id.
    with sqlite3.connect(path) as raw:
        for e, content_id in ((attempt, "daily_life.001"), (accepted, None)):
            raw.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (e.id, e.kind, e.hlc, e.device_id, e.occurred_at, e.tz_offset_min, e.v,
                 json.dumps(e.payload), content_id),
            )  # fmt: skip
        # and its projections, with the attempt counted wrong
        state = Projection.rebuild([attempt])
        for table, values in (
            ("progress", progress_values(state.progress["daily_life.001"])),
            ("day_stats", day_values(next(iter(state.days.values())))),
        ):
            marks = ", ".join("?" * len(values))
            raw.execute(
                f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})",
                tuple(values.values()),
            )
    raw.close()
    old = ProfileDatabase.open(path, schema=6)
    assert old.progress("daily_life.001").best_score == 54
    old.close()

    upgraded = ProfileDatabase.open(path)
    assert upgraded.schema_version == LATEST
    assert upgraded.progress("daily_life.001").best_score == 100
    assert upgraded.day_stats()[0].correct == 1
    assert upgraded.accepted_answers("daily_life.001", "es-en") == ["I arise at seven"]
    # Stored as a card's event now: a replay of the card finds it.
    count = upgraded._engine.connect().exec_driver_sql(
        "SELECT count(*) FROM events WHERE content_id = 'daily_life.001'"
    )
    assert count.scalar() == 2
    upgraded.close()


def test_a_damaged_file_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "broken.aidioma"
    garbage = b"PK\x03\x04 this is a zip file, not a profile" * 100
    path.write_bytes(garbage)
    with pytest.raises(DatabaseForeign, match="not an AIdioma profile"):
        ProfileDatabase.open(path)
    assert path.read_bytes() == garbage


def test_a_corrupted_profile_gives_a_clear_error(tmp_path: Path):
    path = tmp_path / "p.aidioma"
    db = ProfileDatabase.open(path, create=True)
    db.append([goal_event(12)])
    db.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # scribble over the schema page
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"damaged|could not be read|not an AIdioma"):
        ProfileDatabase.open(path).settings()
    assert path.read_bytes() == before


def test_another_programs_sqlite_file_is_not_written_into(tmp_path: Path):
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseForeign, match="another program"):
        ProfileDatabase.open(path)
    assert path.read_bytes() == before


def test_a_file_from_a_newer_app_version_is_refused(tmp_path: Path):
    path = tmp_path / "p.aidioma"
    ProfileDatabase.open(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseTooNew, match="newer version"):
        ProfileDatabase.open(path)


def test_a_locked_database_says_so_and_loses_nothing(tmp_path: Path):
    path = tmp_path / "p.aidioma"
    db = ProfileDatabase.open(path, create=True)
    db.append([goal_event(12)])
    import aidioma_desktop.store.database as database

    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    original = database.BUSY_TIMEOUT_MS
    try:
        database.BUSY_TIMEOUT_MS = 50
        fast = ProfileDatabase.open(path)
        with pytest.raises(DatabaseBusy, match="in use"):
            fast.append([goal_event(30, T0 + 1000)])
        fast.close()
    finally:
        database.BUSY_TIMEOUT_MS = original
        holder.rollback()
        holder.close()
    assert db.settings()["daily_goal"] == 12
    db.append([goal_event(30, T0 + 1000)])  # once released, the same write goes through
    assert db.settings()["daily_goal"] == 30
    db.close()


def test_appending_is_idempotent(tmp_path: Path):
    db = ProfileDatabase.open(tmp_path / "p.aidioma", create=True)
    event = goal_event(40)
    assert len(db.append([event, event]).new) == 1
    assert db.append([event]).new == []
    assert db.event_count() == 1
    db.close()


def test_writes_from_another_thread_are_seen(tmp_path: Path):
    db = ProfileDatabase.open(tmp_path / "p.aidioma", create=True)
    worker = threading.Thread(target=db.append, args=([goal_event(77)],))
    worker.start()
    worker.join()
    assert db.settings()["daily_goal"] == 77
    db.close()


def test_outbox_batches_follow_on_without_repeats_or_gaps_around_sent_and_refused_events(
    tmp_path: Path,
):
    # A sync reads the next batch while the server stores the last one: its answer may be
    # applied (the batch leaves the outbox) before that read starts.
    db = ProfileDatabase.open(tmp_path / "p.aidioma", create=True)
    events = [goal_event(10 + i, T0 + i) for i in range(5)]
    db.append(events)
    first = db.outbox(2)
    assert [e.id for e in first.events] == [e.id for e in events[:2]]
    db.apply_pulled([], [e.id for e in first.events], {})
    db.refuse(events[2].id, "refused by the server")
    second = db.outbox(2, after=first.positions[-1])
    assert [e.id for e in second.events] == [e.id for e in events[3:]]
    assert db.outbox(2, after=second.positions[-1]).events == []
    assert db.outbox_count() == 2
    db.close()


_CRASH_AFTER_LISTING = """
import os, subprocess, sys
from pathlib import Path
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.store.paths import AppPaths

data = Path(sys.argv[1])
service = SessionService(AppPaths.resolve(data))
learner = service.login("Ana")
learner.change_setting("daily_goal", 20)
service.profiles()  # the app lists the profiles while one of them is open
subprocess.run([sys.executable, "-m", "aidioma_desktop", "--data-dir", str(data), "profiles"],
               check=True, capture_output=True)  # and a terminal lists them too
learner.change_setting("daily_goal", 30)
os._exit(0)  # then the app crashes (or the power goes)
"""


def test_what_was_saved_survives_a_crash_after_the_profiles_were_listed(
    service: SessionService, tmp_path: Path
):
    service.create_profile("Ana")
    data = service.paths.data
    done = subprocess.run(
        [sys.executable, "-c", _CRASH_AFTER_LISTING, str(data)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    learner = SessionService(AppPaths.resolve(data)).login("Ana")
    # The last change was committed before the crash: it must be there. (A check of the file
    # with a handle of its own dropped the app's locks, and the terminal deleted the app's WAL.)
    assert learner.settings()["daily_goal"] == 30
    learner.close()


def test_a_documents_first_sentence_kept_by_an_older_version_is_gone_from_the_file(
    tmp_path: Path,
):
    marker = "QZX-primera-frase-4471"
    path = tmp_path / "old.aidioma"
    ProfileDatabase.open(path, create=True, schema=9).close()
    with sqlite3.connect(path) as raw:  # as version 9 kept it: "how it begins"
        raw.execute(
            "INSERT INTO documents VALUES ('d1', 's1', 'diario.txt', 'txt', ?, 'expired', ?, NULL)",
            (T0, f"73 words, 4 paragraphs. “Mi contraseña es {marker}.”"),
        )
    raw.close()
    assert marker.encode() in path.read_bytes() + _wal(path)

    upgraded = ProfileDatabase.open(path)
    (row,) = upgraded.documents()
    assert (row.filename, row.status, row.words, row.language) == ("diario.txt", "expired", 0, "")
    upgraded.close()
    assert marker.encode() not in path.read_bytes() + _wal(path)  # overwritten, not just freed


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
