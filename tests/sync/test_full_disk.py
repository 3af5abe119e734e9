"""A disk that fills up in the middle of a sync, on the server or on a laptop: a clear message,
nothing lost, and the sync takes up where it stopped once there is room. Real full disks (a
small tmpfs; for PostgreSQL, a tablespace on one), a real server on 127.0.0.1, real profile
databases."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.store.core import StoreError
from aidioma_desktop.sync.client import ServerRefused
from aidioma_protocol.wire import MAX_PULL_EVENTS
from benchmarks.data import activity
from tests.conftest import TinyDisk
from tests.live_server import LiveServer
from tests.sync.conftest import PASSWORD, unique_user
from tests.sync_server.conftest import POSTGRES_URL, _require


@contextmanager
def server_on(disk: TinyDisk, backend: str, folder: Path) -> Iterator[LiveServer]:
    """A sync server whose database lives on `disk`: SQLite's file, or a PostgreSQL tablespace
    (the server's own tables go there; PostgreSQL's log stays on its own disk)."""
    if backend == "sqlite":
        with LiveServer(disk.folder / "server") as server:
            yield server
        return
    name = f"aidioma_full_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    options = f"-csearch_path={name} -cdefault_tablespace={name}"
    url = make_url(POSTGRES_URL).update_query_dict({"options": options})
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE TABLESPACE {name} LOCATION '{disk.folder}'"))
            connection.execute(text(f"CREATE SCHEMA {name}"))
        with LiveServer(folder, url.render_as_string(hide_password=False)) as server:
            yield server
            server.app.state.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
            connection.execute(text(f"DROP TABLESPACE IF EXISTS {name}"))
        admin.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_full_disk_on_the_server_is_named_and_nothing_waiting_is_lost(
    backend, make_device, tiny_disk, capfd, tmp_path
):
    if backend == "postgresql":
        _require(POSTGRES_URL)
    disk = tiny_disk("2m", owner="postgres" if backend == "postgresql" else None)
    with server_on(disk, backend, tmp_path / "server") as server:
        a, b = make_device("a"), make_device("b")
        username = unique_user("full-server")
        a.sync.register(server.url, username, PASSWORD, server.invite_code)
        library = ContentLibrary.load()
        a.learner.db.append(activity(20_000, list(library.sentences), a.learner.device_id))

        with pytest.raises(ServerRefused) as refused:
            a.sync.sync_now()
        assert refused.value.status == 507
        assert "disk is full" in str(refused.value) and "kept on your computer" in str(
            refused.value
        )
        assert a.learner.db.outbox_count() > 0  # what the server could not store waits here
        log = capfd.readouterr().err
        assert "The database's disk is full" in log and "Traceback" not in log

        disk.grow("64m")  # whoever runs the server frees some room
        a.sync.sync_now()
        assert a.learner.db.outbox_count() == 0
        b.sync.sign_in(server.url, username, PASSWORD)
        b.sync.sync_now()
        a.sync.sync_now()  # and b's own
        assert b.state() == a.state()


def test_a_full_disk_on_this_computer_stops_the_pull_and_keeps_what_was_there(
    make_device, server, tiny_disk
):
    disk = tiny_disk("3m")
    a = make_device("a")
    b = make_device("b", root=disk.folder)  # a laptop with little room left
    username = unique_user("full-laptop")
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    b.sync.sign_in(server.url, username, PASSWORD)
    library = ContentLibrary.load()
    a.learner.db.append(
        activity(MAX_PULL_EVENTS + 10, list(library.sentences), a.learner.device_id)
    )
    a.sync.sync_now()
    before = b.state()

    with pytest.raises(StoreError, match="The disk is full"):
        b.sync.sync_now()
    assert b.state() == before  # nothing half-stored, and the profile still opens
    b.restart()
    assert b.state() == before

    disk.grow("64m")  # some other files deleted
    b.sync.sync_now()
    a.sync.sync_now()
    assert b.state() == a.state()
