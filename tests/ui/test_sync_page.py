"""Settings → Sync and the status-bar indicator, driven as a person would, against a real
sync server on 127.0.0.1 and a real profile database."""

from __future__ import annotations

import pytest
import trustme
from PySide6.QtCore import QLocale, Qt

from aidioma_desktop.services.sync import SyncProgress
from aidioma_desktop.sync.client import AuthError, SyncClient
from aidioma_desktop.ui.sync import progress_text
from aidioma_protocol.wire import MAX_PUSH_EVENTS
from tests.conftest import long_history
from tests.live_server import LiveServer
from tests.sync.test_https import https_server_at
from tests.ui.conftest import WAIT_MS

PASSWORD = "a long family password"


def open_sync_settings(window):
    window.shell.show_page(4)
    box = window.shell.settings.sync_box
    assert box is not None
    return box


def fill_in_account(qtbot, box, server: LiveServer) -> None:
    qtbot.keyClicks(box.server, server.url)
    qtbot.keyClicks(box.username, "ana")
    qtbot.keyClicks(box.invite, server.invite_code)
    qtbot.keyClicks(box.account_password, PASSWORD)


def create_account(qtbot, window, box, server: LiveServer) -> None:
    """Create the account "ana" on Settings -> Sync and wait for its first sync."""
    fill_in_account(qtbot, box, server)
    qtbot.mouseClick(box.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sync_state.text().startswith("Synced"), timeout=WAIT_MS)


def test_create_an_account_sync_practice_and_sign_out(
    harness, qtbot, make_profile, memory_keyring, tmp_path
):
    with LiveServer(tmp_path / "server") as server:
        make_profile("Ana")
        window = harness.start("Ana")
        # The status is read on the sync worker: the indicator fills in a moment later.
        qtbot.waitUntil(lambda: window.sync_state.text() == "Sync off", timeout=WAIT_MS)
        box = open_sync_settings(window)
        harness.idle()
        assert box.sign_in_button.isVisible() and not box.sync_button.isVisible()

        qtbot.keyClicks(box.server, server.url)
        qtbot.keyClicks(box.username, "ana")
        qtbot.keyClicks(box.account_password, PASSWORD)
        qtbot.mouseClick(box.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "invite code" in box.message.text(), timeout=WAIT_MS)

        qtbot.keyClicks(box.invite, server.invite_code)
        qtbot.keyClicks(box.account_password, PASSWORD)
        qtbot.mouseClick(box.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.sync_state.text().startswith("Synced"), timeout=WAIT_MS)
        assert "ana on " in box.account.text() and "signed in" in box.account.text()
        assert box.sync_button.isVisible() and not box.create_button.isVisible()
        assert "Waiting to be sent: 0" in box.details.text()
        assert "Last sync: just now" in box.details.text()

        # Practise one sentence; "Sync now" sends it.
        window.shell.show_page(1)
        harness.idle()
        practice = window.shell.practice
        practice.answer.insert(practice.item.references[0])
        qtbot.keyClick(practice.answer, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: practice.result is not None, timeout=WAIT_MS)
        box = open_sync_settings(window)
        qtbot.mouseClick(box.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Sent 1" in box.message.text(), timeout=WAIT_MS)
        assert "Waiting to be sent: 0" in box.details.text()

        qtbot.mouseClick(box.sign_out_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.message.text() == "Signed out.", timeout=WAIT_MS)
        assert window.sync_state.text() == "Sync: signed out"
        assert box.sign_in_button.isVisible()


def test_an_unreachable_server_says_so_and_the_app_keeps_working(
    harness, qtbot, make_profile, memory_keyring, tmp_path
):
    server = LiveServer(tmp_path / "server")
    make_profile("Ana")
    window = harness.start("Ana")
    box = open_sync_settings(window)
    harness.idle()
    fill_in_account(qtbot, box, server)
    server.stop()  # the server goes away before the click
    qtbot.mouseClick(box.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cannot reach" in box.message.text(), timeout=WAIT_MS)
    # The rest of the app is unaffected.
    window.shell.show_page(0)
    harness.idle()
    assert window.shell.today.dashboard is not None


def test_plain_http_to_another_computer_needs_the_insecure_box(
    harness, qtbot, make_profile, memory_keyring
):
    make_profile("Ana")
    window = harness.start("Ana")
    box = open_sync_settings(window)
    harness.idle()
    qtbot.keyClicks(box.server, "http://192.0.2.10:8765")
    qtbot.keyClicks(box.username, "ana")
    qtbot.keyClicks(box.account_password, PASSWORD)
    qtbot.mouseClick(box.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "plain http" in box.message.text(), timeout=WAIT_MS)


def test_signing_in_to_another_account_asks_before_merging_the_two(
    harness, qtbot, make_profile, memory_keyring, tmp_path
):
    with LiveServer(tmp_path / "server") as server:
        with SyncClient(server.url) as client:
            client.register("ben", "", PASSWORD, server.invite_code)
        make_profile("Ana")
        window = harness.start("Ana")
        box = open_sync_settings(window)
        harness.idle()
        create_account(qtbot, window, box, server)
        qtbot.mouseClick(box.sign_out_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.message.text() == "Signed out.", timeout=WAIT_MS)

        box.username.setText("ben")
        qtbot.keyClicks(box.account_password, PASSWORD)
        qtbot.mouseClick(box.sign_in_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "merge the two" in box.message.text(), timeout=WAIT_MS)
        assert box.confirm_button.isVisible()
        assert box.confirm_button.text() == "Merge the accounts"
        assert "ana on " in box.account.text() and "signed out" in box.account.text()

        qtbot.mouseClick(box.confirm_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.sync_state.text().startswith("Synced"), timeout=WAIT_MS)
        assert "ben on " in box.account.text() and "signed in" in box.account.text()
        assert not box.confirm_button.isVisible()


def test_deleting_the_account_asks_first_and_keeps_this_computers_progress(
    harness, qtbot, make_profile, memory_keyring, tmp_path
):
    with LiveServer(tmp_path / "server") as server:
        make_profile("Ana")
        window = harness.start("Ana")
        box = open_sync_settings(window)
        harness.idle()
        assert not box.delete_button.isVisible()
        create_account(qtbot, window, box, server)
        events = window.ctx.learner.db.event_count()

        qtbot.mouseClick(box.delete_button, Qt.MouseButton.LeftButton)
        assert "erases the account ana" in box.message.text()
        assert box.confirm_button.text() == "Delete it for good"
        qtbot.mouseClick(box.confirm_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "was deleted" in box.message.text(), timeout=WAIT_MS)
        assert window.sync_state.text() == "Sync off"
        assert box.account.text() == "Not set up" and box.create_button.isVisible()
        assert window.ctx.learner.db.event_count() == events
        with SyncClient(server.url) as client, pytest.raises(AuthError):
            client.login("ana", PASSWORD)


def test_a_long_sync_problem_fits_the_status_bar_and_is_whole_on_the_page(
    harness, qtbot, make_profile, memory_keyring, tmp_path, monkeypatch
):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with https_server_at(tmp_path / "server", trustme.CA(), "127.0.0.1") as server:
        make_profile("Ana")
        window = harness.start("Ana")
        window.resize(800, 600)
        box = open_sync_settings(window)
        harness.idle()
        fill_in_account(qtbot, box, server)
        qtbot.mouseClick(box.create_button, Qt.MouseButton.LeftButton)
        refused = "does not trust the certificate"
        qtbot.waitUntil(lambda: refused in box.message.text(), timeout=WAIT_MS)
        harness.idle()
        bar = window.sync_state
        assert bar.full_text() == "Sync problem: " + box.message.text()
        assert bar.text().endswith("…") and bar.toolTip() == bar.full_text()
        assert bar.width() <= window.width() // 2 and window.width() == 800
        narrow = bar.width()
        window.resize(1400, 600)  # more room: more of the message shows
        qtbot.waitUntil(lambda: bar.width() > narrow, timeout=WAIT_MS)
        assert bar.width() <= 700 and len(bar.text()) > 20


def start_a_long_first_sync(harness, qtbot, make_profile, paths, server: LiveServer):
    """A laptop with years of practice creates its account: (window, Sync box, events to
    send), once the first round trip has reported and more are to come."""
    make_profile("Ana")
    total = long_history(paths, "Ana", 4 * MAX_PUSH_EVENTS)
    window = harness.start("Ana")
    box = open_sync_settings(window)
    harness.idle()
    states: list[str] = []
    window.shell.sync.state_changed.connect(lambda text, _role: states.append(text))
    fill_in_account(qtbot, box, server)
    qtbot.mouseClick(box.create_button, Qt.MouseButton.LeftButton)
    n = QLocale().toString  # counts as the person's language writes them
    sent = f"Syncing… sent {n(MAX_PUSH_EVENTS)} of {n(total)}"
    qtbot.waitUntil(lambda: sent in states, timeout=WAIT_MS)  # in the status bar
    qtbot.waitUntil(lambda: box.message.text().startswith("Syncing… sent"), timeout=WAIT_MS)
    return window, box, total


def test_a_long_sync_shows_how_far_it_has_come_and_can_be_stopped(
    harness, qtbot, make_profile, memory_keyring, paths, tmp_path
):
    with LiveServer(tmp_path / "server") as server:
        window, box, total = start_a_long_first_sync(harness, qtbot, make_profile, paths, server)
        n = QLocale().toString
        assert box.sync_button.text() == "Stop"  # the next round trips are still to come
        qtbot.mouseClick(box.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.sync_button.text() == "Sync now", timeout=WAIT_MS)
        assert box.message.text().startswith("Sync stopped. What was sent and received")
        # Not "Synced", nor a problem: what was sent stays sent, the rest waits here.
        bar = window.sync_state
        stopped = "Sync stopped until you press Sync now"
        qtbot.waitUntil(lambda: bar.full_text() == stopped, timeout=WAIT_MS)
        waiting = window.ctx.learner.db.outbox_count()
        assert 0 < waiting < total
        qtbot.waitUntil(
            lambda: f"Waiting to be sent: {n(waiting)}" in box.details.text(), timeout=WAIT_MS
        )
        # Stop means stop: practising again does not start the sync by itself.
        controller = window.shell.sync
        controller.activity()
        assert not controller.timer.isActive() and bar.full_text() == stopped

        qtbot.mouseClick(box.sync_button, Qt.MouseButton.LeftButton)  # takes up from there
        qtbot.waitUntil(lambda: box.message.text().startswith("Sent"), timeout=WAIT_MS)
        assert box.message.text() == f"Sent {n(waiting)}, received 0."
        assert "Waiting to be sent: 0" in box.details.text()
        assert window.sync_state.text() == "Synced just now"


def test_signing_out_in_the_middle_of_a_long_sync_does_not_wait_for_its_end(
    harness, qtbot, make_profile, memory_keyring, paths, tmp_path
):
    with LiveServer(tmp_path / "server") as server:
        window, box, total = start_a_long_first_sync(harness, qtbot, make_profile, paths, server)
        qtbot.mouseClick(box.sign_out_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.message.text() == "Signed out.", timeout=WAIT_MS)
        assert window.sync_state.text() == "Sync: signed out"
        assert 0 < window.ctx.learner.db.outbox_count() < total  # the rest waits here


def test_the_progress_of_a_sync_names_what_is_still_moving(qapp):
    n = QLocale().toString
    sending = SyncProgress(sent=5000, to_send=60005, received=0)
    assert progress_text(sending) == f"Syncing… sent {n(5000)} of {n(60005)}"
    both = SyncProgress(sent=5000, to_send=60005, received=20000)
    assert progress_text(both) == f"Syncing… sent {n(5000)} of {n(60005)}, received {n(20000)}"
    # All sent, pulling a long history: "sent 5 of 5" is no news.
    receiving = SyncProgress(sent=5, to_send=5, received=60000)
    assert progress_text(receiving) == f"Syncing… received {n(60000)}"
