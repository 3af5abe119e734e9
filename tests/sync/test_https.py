"""https to the family's server: the app trusts what the computer trusts, and says so plainly
when it does not trust a certificate (a configuration to fix, not "offline")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from aidioma_desktop.sync.client import Offline, SyncError
from tests.live_server import LiveServer
from tests.sync.conftest import PASSWORD, unique_user


@pytest.fixture(scope="module")
def family_ca() -> trustme.CA:
    """A home certificate authority, as mkcert makes one."""
    return trustme.CA(organization_name="Our family")


def https_server_at(folder: Path, ca: trustme.CA, *names: str) -> LiveServer:
    folder.mkdir(parents=True, exist_ok=True)
    cert = ca.issue_cert(*names)
    (folder / "cert.pem").write_bytes(b"".join(pem.bytes() for pem in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(folder / "key.pem"))
    return LiveServer(folder, ssl_certfile=folder / "cert.pem", ssl_keyfile=folder / "key.pem")


@pytest.fixture(scope="module")
def https_server(
    tmp_path_factory: pytest.TempPathFactory, family_ca: trustme.CA
) -> Iterator[LiveServer]:
    with https_server_at(tmp_path_factory.mktemp("https"), family_ca, "127.0.0.1") as live:
        yield live


@pytest.fixture
def ca_trusted_here(family_ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What `mkcert -install` does: the computer's store trusts the family's authority. On Linux
    # that store is OpenSSL's, which SSL_CERT_FILE names; on Windows and macOS, the system's.
    family_ca.cert_pem.write_to_path(str(tmp_path / "family-ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "family-ca.pem"))


def test_a_certificate_this_computer_does_not_trust_is_named_and_loses_nothing(
    make_device, https_server, monkeypatch
):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    laptop = make_device("laptop")
    laptop.practise("food.001", 80)
    pending = laptop.sync.status().pending
    with pytest.raises(SyncError, match="does not trust the certificate") as refused:
        laptop.sync.register(https_server.url, unique_user(), PASSWORD, https_server.invite_code)
    assert not isinstance(refused.value, Offline)  # retrying will not help: said as it is
    assert "install that authority's certificate on this computer" in str(refused.value)
    status = laptop.sync.status()
    assert (status.server, status.pending) == ("", pending)


def test_a_certificate_for_another_name_says_to_use_that_name(
    make_device, tmp_path, family_ca, ca_trusted_here
):
    laptop = make_device("laptop")
    with (
        https_server_at(tmp_path / "server", family_ca, "sync.example.org") as server,
        pytest.raises(SyncError, match="as its certificate names it"),
    ):
        laptop.sync.register(server.url, unique_user(), PASSWORD, server.invite_code)


def test_two_laptops_sync_over_https_with_the_familys_own_certificate(
    make_device, https_server, ca_trusted_here
):
    a, b = make_device("a"), make_device("b")
    username = unique_user("tls")
    a.sync.register(https_server.url, username, PASSWORD, https_server.invite_code)
    b.sync.sign_in(https_server.url, username, PASSWORD)
    a.practise("food.001", 80)
    b.rate("food.002", 3)
    a.sync.sync_now()
    b.sync.sync_now()
    a.sync.sync_now()
    assert a.state() == b.state()
    assert b.learner.db.progress("food.001") is not None
