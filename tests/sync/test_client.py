"""The sync client against real sockets: address rules, offline, a server that is not ours,
the token kept in the keyring only, and sign-in mistakes, each with a clear message."""

from __future__ import annotations

import gzip
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from aidioma_desktop.services.sync import KEYRING_SERVICE, AccountSwitch, account_key
from aidioma_desktop.store.secrets import SecretStore
from aidioma_desktop.sync.client import (
    AuthError,
    Offline,
    ServerRefused,
    SyncClient,
    SyncError,
    check_server_url,
)
from aidioma_protocol.events import StoredEvent
from aidioma_protocol.ids import uuid7
from tests.documents.endpoint import JsonHandler, serve
from tests.live_server import LiveServer
from tests.sync.conftest import PASSWORD, signed_in_pair, unique_user


def test_plain_http_is_refused_for_another_computer_unless_allowed():
    with pytest.raises(SyncError, match="plain http"):
        check_server_url("http://192.168.1.20:8765")
    assert check_server_url("http://192.168.1.20:8765/", insecure=True) == (
        "http://192.168.1.20:8765"
    )
    assert check_server_url("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    assert check_server_url("http://localhost:8765") == "http://localhost:8765"
    assert check_server_url("sync.example.org") == "https://sync.example.org"
    with pytest.raises(SyncError, match="not a server address"):
        check_server_url("ftp://example.org")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("127.0.0.1:8765", "http://127.0.0.1:8765"),  # the server's own default, on this computer
        ("localhost:8765/", "http://localhost:8765"),
        ("sync.example.org:8443", "https://sync.example.org:8443"),
        ("htp:/127.0.0.1", None),  # a scheme typed wrong is not a host name
        ("https:sync.example.org", None),
        ("http://sync.example.org:port", None),
    ],
)
def test_a_server_address_is_read_as_meant_or_refused(typed, meant):
    if meant is None:
        with pytest.raises(SyncError, match="not a server address"):
            check_server_url(typed, insecure=True)
    else:
        assert check_server_url(typed) == meant


def test_the_insecure_advice_names_the_box_and_the_terminal_option():
    with pytest.raises(SyncError, match="Settings → Sync; --insecure in the terminal"):
        check_server_url("http://192.168.1.20:8765")


def test_https_to_a_plain_http_server_says_to_use_http(server):
    address = server.url.replace("http://", "https://")
    with SyncClient(address) as client, pytest.raises(SyncError, match="does not speak https"):
        client.health()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_is_reported_as_offline_and_nothing_is_lost(make_device):
    device = make_device("a")
    url = f"http://127.0.0.1:{_closed_port()}"
    with SyncClient(url) as client, pytest.raises(Offline, match="kept here"):
        client.health()
    before = device.learner.db.outbox_count()
    with pytest.raises(Offline):
        device.sync.sign_in(url, "ana", PASSWORD)
    assert device.learner.db.outbox_count() == before


@pytest.fixture
def not_aidioma() -> Iterator[str]:
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>router admin page</html>")

        do_POST = do_GET

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_server_that_is_not_an_aidioma_server_is_named_as_such(not_aidioma):
    with SyncClient(not_aidioma) as client, pytest.raises(ServerRefused, match="does not look"):
        client.login("ana", PASSWORD)


def test_wrong_password_and_wrong_invite_code_get_clear_messages(make_device, server):
    device = make_device("a")
    username = unique_user("pw")
    with pytest.raises(ServerRefused) as refused:
        device.sync.register(server.url, username, PASSWORD, "not-the-code")
    assert refused.value.status == 403
    device.sync.register(server.url, username, PASSWORD, server.invite_code)
    other = make_device("b")
    with pytest.raises(AuthError):
        other.sync.sign_in(server.url, username, "not the password")
    assert not other.sync.status().signed_in


def test_the_token_lives_in_the_keyring_and_in_no_file(make_device, server, memory_keyring):
    device = make_device("a")
    username = unique_user("ring")
    device.sync.register(server.url, username, PASSWORD, server.invite_code)
    token = memory_keyring.get_password("AIdioma sync", account_key(server.url, username))
    assert token
    device.sync.sync_now()
    device.service.logout(device.learner)
    hits = [
        p
        for p in Path(device.paths.data).rglob("*")
        if p.is_file() and token.encode() in p.read_bytes()
    ]
    assert hits == []


def test_without_a_keyring_the_token_lasts_for_this_run_only(tmp_path, server):
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = SecretStore(KEYRING_SERVICE)
        assert not store.persistent
        store.set("ana@server", "secret-token-123")
        assert store.get("ana@server") == "secret-token-123"
        assert (
            SecretStore(KEYRING_SERVICE).get("ana@server") is None
        )  # the next run does not have it
    finally:
        keyring.set_keyring(before)


def test_signing_out_revokes_the_token_and_keeps_unsent_events(make_device, server):
    device = make_device("a")
    username = unique_user("out")
    device.sync.register(server.url, username, PASSWORD, server.invite_code)
    device.sync.sync_now()
    token = device.sync.tokens.get(account_key(server.url, username))
    device.practise("food.001", 80)
    device.sync.sign_out()
    assert device.sync.status().pending == 1
    assert not device.sync.status().signed_in
    with SyncClient(server.url) as client, pytest.raises(AuthError):
        client.account(token)
    with pytest.raises(AuthError, match="Sign in"):
        device.sync.sync_now()


def test_signing_in_to_another_persons_account_asks_first_and_merges_nothing_until_told(
    make_device, server, tmp_path
):
    ana, ben = unique_user("ana"), unique_user("ben")
    laptop, bens = make_device("laptop"), make_device("bens")
    bens.sync.register(server.url, ben, PASSWORD, server.invite_code)
    bens.practise("food.002", 40)
    bens.sync.sync_now()
    laptop.sync.register(server.url, ana, PASSWORD, server.invite_code)
    laptop.practise("food.001", 80)
    laptop.sync.sync_now()
    laptop.sync.sign_out()
    anas_events = laptop.learner.db.event_count()
    with SyncClient(server.url) as client:
        bens_token = client.login(ben, PASSWORD).token
        bens_events = client.account(bens_token)["events"]

    with pytest.raises(AccountSwitch, match=f"syncs with the account {ana}"):
        laptop.sync.sign_in(server.url, ben, PASSWORD)
    assert laptop.sync.status().username == ana  # still linked to ana, nothing sent or pulled
    assert laptop.learner.db.event_count() == anas_events
    with SyncClient(server.url) as client:
        assert client.account(bens_token)["events"] == bens_events

    # The same account typed in capitals is no switch, and is not sent again.
    laptop.sync.sign_in(server.url, ana.upper(), PASSWORD)
    assert laptop.sync.status().username == ana
    assert laptop.sync.sync_now().pushed == 0

    # The same username on another server is another account.
    with LiveServer(tmp_path / "other-server") as other:
        with SyncClient(other.url) as client:
            client.register(ana, "", PASSWORD, other.invite_code)
        with pytest.raises(AccountSwitch, match=f"as {ana} on {other.url}"):
            laptop.sync.sign_in(other.url, ana, PASSWORD)
        assert laptop.sync.status().server == server.url
        with SyncClient(other.url) as client:
            assert client.account(client.login(ana, PASSWORD).token)["events"] == 0

    # Told to, it merges: both histories end up on both sides.
    anas_token = laptop.sync.tokens.get(account_key(server.url, ana))
    laptop.sync.sign_in(server.url, ben, PASSWORD, merge=True)
    assert laptop.sync.tokens.get(account_key(server.url, ana)) is None
    with SyncClient(server.url) as client, pytest.raises(AuthError):
        client.account(anas_token)  # revoked, not left live on the server
    report = laptop.sync.sync_now()
    assert laptop.sync.status().username == ben
    assert (report.pushed, report.pulled) == (anas_events, bens_events)
    assert laptop.learner.db.event_count() == anas_events + bens_events


def test_the_same_account_at_a_new_address_just_goes_on_syncing(make_device, server):
    # The family's server renamed (or put behind a proxy): the same account, not a merge.
    a, b, username = signed_in_pair(make_device, server, "moved")
    a.practise("food.001", 80)
    a.sync.sync_now()
    b.sync.sync_now()
    old_token = b.sync.tokens.get(account_key(server.url, username))
    new_address = server.url.replace("127.0.0.1", "localhost")

    b.sync.sign_in(new_address, username, PASSWORD)
    assert b.sync.status().server == new_address
    assert b.sync.sync_now().pushed == 0  # nothing sent again
    with SyncClient(server.url) as client, pytest.raises(AuthError):
        client.account(old_token)  # the old address's token is revoked
    a.sync.sign_in(server.url, username, PASSWORD)  # (the two laptops here share one keyring)
    a.practise("food.002", 95)
    a.sync.sync_now()
    assert b.sync.sync_now().pulled == 1
    assert b.state() == a.state()


def test_deleting_the_account_erases_it_on_the_server_and_keeps_this_profiles_data(
    make_device, server
):
    a, b, username = signed_in_pair(make_device, server, "del")
    a.practise("food.001", 80)
    a.sync.sync_now()
    b.sync.sync_now()
    kept = a.learner.db.event_count()

    status = a.sync.delete_account()
    assert (status.server, status.username, status.signed_in) == ("", "", False)
    assert a.learner.db.event_count() == kept and a.learner.db.progress("food.001")
    with pytest.raises(AuthError):
        b.sync.sync_now()  # the other laptop's token died with the account
    with SyncClient(server.url) as client, pytest.raises(AuthError):
        client.login(username, PASSWORD)
    # Made again, the account gets this profile's whole history.
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    assert a.sync.sync_now().pushed == kept


def test_a_large_push_travels_compressed_and_reads_back_as_the_exact_request():
    """The events of a large push are compressed ahead (on a helper thread) and sent after a
    separately compressed head: any gzip reader must get the very JSON of the request."""
    received: list[tuple[str | None, bytes]] = []

    class Capture(JsonHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers.get("Content-Encoding"), body))
            page = {"accepted": [], "cursor": 0, "events": [], "more": False, "history": "1-1"}
            self._reply(200, page)

    events = [
        StoredEvent(uuid7(), "review.graded", f"{n:015d}.000000.d1", "d1", n, 60, 1,
                    json.dumps({"content_id": f"c{n}", "note": "¿Qué tal? " * 5}))
        for n in range(400)
    ]  # fmt: skip
    with serve(Capture) as server, SyncClient(server.url()) as client:
        client.send_sync("token", "d1", 12, events)
        client.send_sync("token", "d1", 12, events[:1])
    (encoding, big), (small_encoding, small) = received
    assert encoding == "gzip" and small_encoding is None
    request = json.loads(gzip.decompress(big))
    assert request["device_id"] == "d1" and request["cursor"] == 12
    assert [e["id"] for e in request["events"]] == [e.id for e in events]
    assert request["events"][3]["payload"] == json.loads(events[3].payload_json)
    assert json.loads(small)["events"][0]["id"] == events[0].id
