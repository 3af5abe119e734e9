"""Three devices of one person, randomly offline, syncing in random orders through faults:
at the end every device and the server hold the same events and identical projections.

Faults injected for real: the server's answer lost after it stored a push, the app killed
between sending and the acknowledgement, the same push replayed, the server restarted, the
server down while a device tries to sync.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.services.sync import CURSOR, SyncService, account_key
from aidioma_desktop.store.paths import AppPaths
from aidioma_desktop.sync.client import Offline, SyncClient
from aidioma_protocol.wire import MAX_PUSH_EVENTS
from benchmarks.data import activity
from tests.conftest import DAY, HOUR, T0
from tests.sync.conftest import PASSWORD, Device, signed_in_pair, unique_user

CONTENT = ["food.001", "food.002", "travel.001", "work.001"]
DEVICES = 3

learning = st.one_of(
    st.tuples(st.just("practise"), st.sampled_from(CONTENT), st.integers(0, 100)),
    st.tuples(st.just("rate"), st.sampled_from(CONTENT), st.integers(1, 4)),
    st.tuples(
        st.just("setting"),
        st.sampled_from(["daily_goal", "day_starts_at", "desired_retention"]),
        st.integers(0, 3),
    ),
    st.tuples(st.just("card"), st.sampled_from(["mine.a", "mine.b"]), st.integers(0, 3)),
    st.tuples(st.just("wait"), st.just(""), st.integers(1, 30 * HOUR)),
    st.tuples(st.just("accept"), st.sampled_from(CONTENT), st.integers(0, 3)),
)
faults = st.tuples(
    st.sampled_from(["sync", "sync", "lost_answer", "killed", "replay", "toggle_offline"]),
    st.just(""),
    st.just(0),
)
server_steps = st.tuples(st.sampled_from(["restart_server", "outage"]), st.just(""), st.just(0))
step = st.tuples(st.integers(0, DEVICES - 1), st.one_of(learning, faults, server_steps))

SETTING_VALUES = {
    "daily_goal": [5, 10, 20, 40],
    "day_starts_at": [0, 3, 4, 6],
    "desired_retention": [0.8, 0.85, 0.9, 0.95],
}


def learn(device: Device, kind: str, target: str, n: int) -> None:
    if kind == "practise":
        device.practise(target, n)
    elif kind == "rate":
        device.rate(target, n)
    elif kind == "setting":
        device.record("setting.changed", {"key": target, "value": SETTING_VALUES[target][n]})
    elif kind == "card":
        device.record(
            "card.added",
            {"content_id": target, "es": f"palabra {n}", "en": f"word {n}", "level": "beginner"},
        )
    elif kind == "wait":
        device.clock.advance(n)
    elif kind == "accept":
        device.accept(target, n)


def push_and_lose_answer(device: Device, server_url: str, username: str) -> None:
    """Send the outbox; the server stores it, but the answer never reaches the device."""
    db = device.learner.db
    token = device.sync.tokens.get(account_key(server_url, username))
    assert token
    with SyncClient(server_url) as client:
        waiting = db.outbox(MAX_PUSH_EVENTS).events
        client.send_sync(token, device.learner.device_id, int(db.meta(CURSOR) or 0), waiting)


def settle(devices: list[Device]) -> None:
    """Everyone online: two rounds of syncs bring every event everywhere."""
    for _ in range(2):
        for device in devices:
            device.sync.sync_now()


def assert_converged(devices: list[Device], server_url: str, username: str) -> None:
    states = [d.state() for d in devices]
    for device, state in zip(devices[1:], states[1:], strict=True):
        assert state["events"] == states[0]["events"], f"{device.name} misses events"
        assert state == states[0], f"{device.name} differs"
        assert device.sync.status().pending == 0
    # The incremental projections equal a rebuild from scratch.
    devices[0].learner.db.rebuild_projections()
    assert devices[0].state() == states[0]
    # And the server holds exactly these events, once each.
    token = devices[0].sync.tokens.get(account_key(server_url, username))
    with SyncClient(server_url) as client:
        exported = client._call("GET", "/account/export", token=token)["events"]
    ids = [e["id"] for e in exported]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == states[0]["events"]


def make_devices(root: Path, server_url: str, username: str) -> list[Device]:
    library = ContentLibrary.load()
    devices = []
    for i in range(DEVICES):
        paths = AppPaths.resolve(root / f"laptop{i}")
        # Clocks disagree by minutes, as laptops' clocks do.
        clock = ManualClock(T0 + i * 97_000 - 120_000, 60)
        service = SessionService(paths, clock, library)
        service.create_profile("Me")
        learner = service.login("Me")
        device = Device(f"laptop{i}", paths, clock, service, learner, SyncService(learner))
        device.practise(CONTENT[i], 50 + i)  # everyone has offline history before signing in
        devices.append(device)
    return devices


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=st.lists(step, min_size=5, max_size=45))
def test_three_devices_converge_through_faults(server, memory_keyring, script):
    username = unique_user()
    with tempfile.TemporaryDirectory() as folder:
        devices = make_devices(Path(folder), server.url, username)
        try:
            devices[0].sync.register(server.url, username, PASSWORD, server.invite_code)
            for device in devices[1:]:
                device.sync.sign_in(server.url, username, PASSWORD)
            offline: set[int] = set()
            for index, (kind, target, n) in script:
                device = devices[index]
                if kind == "toggle_offline":
                    offline ^= {index}
                elif kind == "restart_server":
                    server.restart()
                elif kind == "outage":
                    server.stop()
                    with pytest.raises(Offline):
                        device.sync.sync_now()
                    server.start()
                elif kind in ("sync", "lost_answer", "killed", "replay"):
                    if index in offline:
                        continue
                    if kind == "sync":
                        device.sync.sync_now()
                    else:
                        push_and_lose_answer(device, server.url, username)
                        if kind == "killed":
                            device.restart()
                        elif kind == "replay":
                            device.sync.sync_now()  # sends the same events again
                else:
                    learn(device, kind, target, n)
            settle(devices)
            assert_converged(devices, server.url, username)
        finally:
            for device in devices:
                device.sync.close()
                device.learner.close()


# ---- named scenarios where the best-known flashcard app loses reviews ---------------------


def test_two_devices_reviewing_in_the_same_millisecond_keep_both_reviews(make_device, server):
    a, b, username = signed_in_pair(make_device, server)
    b.clock.ms = a.clock.ms  # the very same instant on both
    a.rate("food.001", 3)
    b.rate("food.001", 1)
    settle([a, b])
    assert_converged([a, b], server.url, username)
    progress = a.learner.db.progress("food.001")
    assert progress is not None and progress.reviews == 2  # neither rating was lost


def test_a_setting_change_on_one_device_and_offline_reviews_on_another_both_survive(
    make_device, server
):
    a, b, username = signed_in_pair(make_device, server)
    a.record("setting.changed", {"key": "daily_goal", "value": 40})
    a.record("card.added", {"content_id": "mine.x", "es": "la sartén", "en": "the frying pan"})
    a.sync.sync_now()
    for cid in CONTENT:  # b is offline all along
        b.rate(cid, 3)
    settle([a, b])
    assert_converged([a, b], server.url, username)
    assert b.learner.settings()["daily_goal"] == 40
    assert b.learner.db.content("mine.x") is not None
    assert all(a.learner.db.progress(cid).reviews == 1 for cid in CONTENT)


def test_a_fresh_device_with_its_own_practice_joins_an_account_with_history(make_device, server):
    username = unique_user("fresh")
    a = make_device("a")
    for i, cid in enumerate(CONTENT * 5):
        a.practise(cid, 40 + i)
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    a.sync.sync_now()
    fresh = make_device("fresh", start_ms=T0 + HOUR)
    fresh.practise("food.001", 95)  # practised before signing in
    fresh.sync.sign_in(server.url, username, PASSWORD)
    own = fresh.learner.db.event_count()
    report = fresh.sync.sync_now()
    assert report.pushed == own and report.pulled == a.learner.db.event_count()
    settle([a, fresh])
    assert_converged([a, fresh], server.url, username)
    assert a.learner.db.progress("food.001").attempts == 6


def test_a_new_laptop_does_not_reset_the_settings_of_the_account_it_joins(make_device, server):
    """A profile is created with a name, level and languages; joining an account that has its
    own, those of the account stay, and changes made since, on either side, win."""
    username = unique_user("settings")
    a = make_device("a", level="intermediate", primary_language="es", target_language="en")
    a.record("setting.changed", {"key": "daily_goal", "value": 40})  # a change the person made
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    a.sync.sync_now()
    laptop = make_device("laptop", start_ms=T0 + DAY)  # later, with the defaults
    laptop.practise("food.001", 95)
    laptop.sync.sign_in(server.url, username, PASSWORD)
    settle([a, laptop])
    assert_converged([a, laptop], server.url, username)
    for device in (a, laptop):
        chosen = device.learner.settings()
        assert (chosen["level"], chosen["primary_language"], chosen["target_language"]) == (
            "intermediate",
            "es",
            "en",
        )
        assert chosen["daily_goal"] == 40
    laptop.record("setting.changed", {"key": "level", "value": "advanced"})  # changed since
    settle([a, laptop])
    assert a.learner.settings()["level"] == "advanced"


def test_a_device_offline_for_sixty_days_loses_nothing(make_device, server):
    a, b, username = signed_in_pair(make_device, server)
    settle([a, b])
    for day in range(60):
        b.clock.advance(DAY)
        b.practise(CONTENT[day % len(CONTENT)], day + 30)
        a.clock.advance(DAY)
        a.rate(CONTENT[(day + 1) % len(CONTENT)], 1 + day % 4)
        if day % 7 == 0:
            a.sync.sync_now()
    settle([a, b])
    assert_converged([a, b], server.url, username)
    assert sum(d.attempts for d in a.learner.db.day_stats()) >= 60


def test_a_remote_event_earlier_than_local_ones_replays_that_card(make_device, server):
    a, b, username = signed_in_pair(make_device, server)
    a.rate("food.001", 1)  # earlier in clock order...
    b.clock.advance(HOUR)
    b.rate("food.001", 4)
    b.rate("food.001", 4)
    b.sync.sync_now()
    a.sync.sync_now()
    report = b.sync.sync_now()  # ...arrives after b applied its own ratings
    assert report.replayed_cards == 1
    assert_converged([a, b], server.url, username)


def test_a_server_restarted_in_the_middle_of_a_long_sync_loses_and_doubles_nothing(
    make_device, server
):
    a, b, username = signed_in_pair(make_device, server)
    library = ContentLibrary.load()
    a.learner.db.append(
        activity(2 * MAX_PUSH_EVENTS + 500, list(library.sentences), device=a.learner.device_id)
    )
    rounds = []

    def restart_after_first_round() -> bool:
        rounds.append(1)
        if len(rounds) == 2:  # one page is on the server, two are still to go
            server.restart()
        return False

    # The restart may cut the connection (Offline): the next sync goes on from there.
    with contextlib.suppress(Offline):
        a.sync.sync_now(restart_after_first_round)
    a.sync.sync_now()
    settle([a, b])
    assert_converged([a, b], server.url, username)
    assert b.learner.db.event_count() == a.learner.db.event_count()
