"""When the server no longer holds what a device sent (a restored backup, an account made
anew) or refuses one event, nothing is lost and the rest keeps flowing."""

from __future__ import annotations

import sqlite3

import pytest

from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.services.sync import SyncCancelled, SyncProgress, account_key
from aidioma_desktop.sync.client import SyncClient
from aidioma_protocol.checks import EventError
from aidioma_protocol.events import Event
from aidioma_protocol.ids import uuid7
from aidioma_protocol.wire import MAX_PULL_EVENTS, MAX_PUSH_EVENTS
from benchmarks.data import activity
from tests.live_server import LiveServer
from tests.sync.conftest import PASSWORD, signed_in_pair, unique_user


def test_an_event_too_large_to_sync_is_refused_when_recorded(make_device):
    device = make_device("a")
    before = device.learner.db.event_count()
    # Within every field's own limit, but 24 kB as UTF-8.
    huge = {"feedback_type": "tutor", "score": 0.5, "suggestions": ["😀" * 300] * 20}
    with pytest.raises(EventError, match=r"more than one feedback\.recorded can hold"):
        device.record("feedback.recorded", huge)
    assert device.learner.db.event_count() == before


def test_after_the_server_is_restored_from_a_backup_devices_send_what_it_lost(
    make_device, tmp_path
):
    with LiveServer(tmp_path / "server") as server:
        username = unique_user("backup")
        a = make_device("a")
        a.sync.register(server.url, username, PASSWORD, server.invite_code)
        a.practise("food.001", 70)
        a.sync.sync_now()
        database = server.settings.data_dir / "sync.sqlite3"
        backup = tmp_path / "backup.sqlite3"
        with sqlite3.connect(database) as live, sqlite3.connect(backup) as copy:
            live.backup(copy)
        a.practise("food.002", 80)
        a.rate("food.001", 3)
        a.sync.sync_now()  # the server has these two; the backup does not
        server.stop()
        with sqlite3.connect(backup) as copy, sqlite3.connect(database) as live:
            copy.backup(live)
        server.start()

        a.sync.sync_now()
        b = make_device("b")
        b.sync.sign_in(server.url, username, PASSWORD)
        b.sync.sync_now()
        a_ids = {e.id for e in a.learner.db.events()}
        assert a_ids <= {e.id for e in b.learner.db.events()}  # b has its own events too
        assert b.learner.db.progress("food.002") is not None


def test_an_account_deleted_and_made_again_gets_the_whole_history_back(make_device, server):
    username = unique_user("again")
    a = make_device("a")
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    for score in (40, 60, 80):
        a.practise("food.001", score)
    a.sync.sync_now()
    token = a.sync.tokens.get(account_key(server.url, username))
    with SyncClient(server.url) as client:
        client.delete_account(token)
        client.register(username, "", PASSWORD, server.invite_code)
    a.sync.sign_in(server.url, username, PASSWORD)  # same server and name: a new account
    a.sync.sync_now()
    b = make_device("b")
    b.sync.sign_in(server.url, username, PASSWORD)
    b.sync.sync_now()
    assert {e.id for e in a.learner.db.events()} <= {e.id for e in b.learner.db.events()}
    assert b.learner.db.progress("food.001").attempts == 3


def test_an_event_the_server_refuses_is_set_aside_and_the_rest_still_syncs(make_device, server):
    username = unique_user("refuse")
    a, b = make_device("a"), make_device("b")
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    b.sync.sign_in(server.url, username, PASSWORD)
    a.practise("food.001", 70)
    # As a newer app version might write it: a setting this server does not know.
    now = a.clock.now_ms()
    odd = Event(
        uuid7(now),
        "setting.changed",
        f"{now + 1:015d}.000000.{a.learner.device_id}",
        a.learner.device_id,
        now,
        60,
        {"key": "future_setting", "value": 1},
    )
    a.learner.db.append([odd])
    a.practise("food.002", 90)
    report = a.sync.sync_now()
    assert report.refused == 1
    status = a.sync.status()
    assert status.pending == 0
    assert [event_id for event_id, _reason in status.refused] == [odd.id]
    assert "payload.key" in status.refused[0][1]
    b.sync.sync_now()
    assert b.learner.db.progress("food.001") is not None
    assert b.learner.db.progress("food.002") is not None
    on_b = {e.id for e in b.learner.db.events()}
    assert {e.id for e in a.learner.db.events()} - {odd.id} <= on_b
    assert odd.id not in on_b


def test_a_refused_event_in_the_middle_of_a_long_history_holds_back_nothing_else(
    make_device, server
):
    # Pushes go a batch at a time, the next one read while the server stores the last: the
    # refusal in the second batch must neither lose nor repeat any of the third.
    username = unique_user("refuse-long")
    a, b = make_device("a"), make_device("b")
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    b.sync.sign_in(server.url, username, PASSWORD)
    library = ContentLibrary.load()
    device = a.learner.device_id
    a.learner.db.append(activity(MAX_PUSH_EVENTS + 10, list(library.sentences), device, seed=1))
    now = a.clock.now_ms()
    odd = Event(
        uuid7(now),
        "setting.changed",
        f"{now:015d}.000000.{device}",
        device,
        now,
        60,
        {"key": "future_setting", "value": 1},
    )
    a.learner.db.append([odd])
    a.learner.db.append(activity(MAX_PUSH_EVENTS + 10, list(library.sentences), device, seed=2))
    report = a.sync.sync_now()
    assert report.refused == 1
    assert report.pushed == a.learner.db.event_count() - 1
    assert a.sync.status().pending == 0
    b.sync.sync_now()
    on_a = {e.id for e in a.learner.db.events()}
    assert {e.id for e in b.learner.db.events()} >= on_a - {odd.id}
    assert odd.id not in {e.id for e in b.learner.db.events()}


def test_what_a_device_records_after_a_sync_sorts_after_all_it_pulled(make_device, server):
    # b's wall clock is an hour behind a's: its next practice must still come after a's.
    username = unique_user("clock")
    a = make_device("a")
    b = make_device("b", start_ms=a.clock.now_ms() - 3_600_000)
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    b.sync.sign_in(server.url, username, PASSWORD)
    for content_id in ("food.001", "food.002", "food.003"):
        a.practise(content_id, 80)
        a.clock.advance(1000)
    a.sync.sync_now()
    b.sync.sync_now()
    b.practise("food.001", 60)
    mine = [e for e in b.learner.db.events() if e.device_id == b.learner.device_id]
    theirs = [e for e in b.learner.db.events() if e.device_id == a.learner.device_id]
    assert max(e.hlc for e in theirs) < mine[-1].hlc
    assert b.learner.db.progress("food.001").last_key == mine[-1].order_key


def test_a_long_pull_stopped_between_pages_keeps_what_it_stored_and_resumes(make_device, server):
    # The next page is asked for while the last is stored: stopping in between must drop that
    # answer, not store it without its cursor nor skip it next time.
    username = unique_user("pull-stop")
    a, b = make_device("a"), make_device("b")
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    b.sync.sign_in(server.url, username, PASSWORD)
    library = ContentLibrary.load()
    a.learner.db.append(
        activity(2 * MAX_PULL_EVENTS + 10, list(library.sentences), a.learner.device_id, seed=3)
    )
    a.sync.sync_now()
    checks: list[int] = []

    def after_the_first_page() -> bool:
        checks.append(1)
        return len(checks) > 1

    before = b.learner.db.event_count()
    with pytest.raises(SyncCancelled):
        b.sync.sync_now(after_the_first_page)
    assert b.learner.db.event_count() == before + MAX_PULL_EVENTS
    b.restart()  # what was stored is all there is: the cursor came with it
    report = b.sync.sync_now()
    assert report.pulled == a.learner.db.event_count() - MAX_PULL_EVENTS
    a.sync.sync_now()  # and whatever b had of its own
    assert b.state() == a.state()


def test_a_long_sync_tells_how_far_it_has_come_after_each_round_trip(make_device, server):
    # A new laptop joining years of history: the person sees it move, not just "Syncing...".
    a, b, _username = signed_in_pair(make_device, server, "progress")
    library = ContentLibrary.load()
    history = activity(MAX_PULL_EVENTS + 10, list(library.sentences), a.learner.device_id)
    a.learner.db.append(history)
    total = a.learner.db.outbox_count()
    sent: list[SyncProgress] = []
    report = a.sync.sync_now(progress=sent.append)
    assert [p.sent for p in sent] == list(range(MAX_PUSH_EVENTS, total, MAX_PUSH_EVENTS))
    assert {p.to_send for p in sent} == {total} and report.pushed == total
    assert all(p.received == 0 for p in sent)

    received: list[SyncProgress] = []
    report = b.sync.sync_now(progress=received.append)
    assert [p.received for p in received] == [MAX_PULL_EVENTS]  # one page more followed
    assert report.pulled == total
    a.sync.sync_now()  # and b's own
    assert b.state() == a.state()
    # A sync of one round trip has nothing to report on the way.
    a.practise("food.001", 95)
    quiet: list[SyncProgress] = []
    assert a.sync.sync_now(progress=quiet.append).pushed == 1 and quiet == []
