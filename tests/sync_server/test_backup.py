"""`aidioma-sync-server backup` / `restore`: taken while serving, restored whole, migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import create_engine

from sync_server.cli import main
from sync_server.migrate import alembic_config
from tests.live_server import LiveServer

from .helpers import Api, make_event


def _event_ids(database: Path) -> set[str]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT id FROM events")}


def _push(api: Api, token: str, count: int) -> set[str]:
    events = [make_event() for _ in range(count)]
    answer = api.sync_ok(token, "laptop", events=events)
    assert len(answer["accepted"]) == count
    return {event["id"] for event in events}


def test_a_backup_taken_while_serving_restores_every_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "server"
    database = data / "sync.sqlite3"
    backup_file = tmp_path / "monday.sqlite3"
    with LiveServer(data) as server, httpx.Client(base_url=server.url) as client:
        api = Api(client, server.app)
        token = api.register()
        before = _push(api, token, 300)
        assert main(["backup", str(backup_file), "--data-dir", str(data)]) == 0
        assert "Backed up 300 events" in capsys.readouterr().out
        after = _push(api, token, 50)  # recorded after the backup: not in it
    assert _event_ids(database) == before | after

    assert main(["restore", str(backup_file), "--data-dir", str(data)]) == 0
    said = capsys.readouterr().out
    assert "Restored 300 events" in said
    assert _event_ids(database) == before
    kept = next(data.glob("sync.sqlite3.before-restore-*"))
    assert str(kept) in said
    assert _event_ids(kept) == before | after  # what the restore replaced is not lost

    # The restored server serves the account as it was at the backup.
    with LiveServer(data) as server, httpx.Client(base_url=server.url) as client:
        api = Api(client, server.app)
        login = api.login()
        assert login.status_code == 200, login.text
        pulled, _cursor = api.pull_all(login.json()["token"], "new-laptop")
        assert {event["id"] for event in pulled} == before


def test_restore_brings_an_older_backup_to_the_current_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "server"
    with LiveServer(data) as server, httpx.Client(base_url=server.url) as client:
        api = Api(client, server.app)
        _push(api, api.register(), 5)
    old = tmp_path / "old.sqlite3"
    assert main(["backup", str(old), "--data-dir", str(data)]) == 0
    with sqlite3.connect(old) as db:
        head = db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    engine = create_engine(f"sqlite:///{old}")
    config = alembic_config()
    with engine.begin() as connection:  # the backup as the previous version's server made it
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    engine.dispose()
    with sqlite3.connect(old) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] != head
    assert main(["restore", str(old), "--data-dir", str(data)]) == 0
    with sqlite3.connect(data / "sync.sqlite3") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 5
    assert "Restored 5 events" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("make_file", "said"),
    [
        (lambda path: path.write_bytes(b"not a database at all" * 100), "not a SQLite database"),
        (lambda path: sqlite3.connect(path).execute("CREATE TABLE t (x)"), "not an AIdioma"),
        (lambda path: None, "no such file"),
    ],
    ids=["garbage", "another-database", "missing"],
)
def test_restore_refuses_what_is_not_a_server_backup_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_file: object, said: str
) -> None:
    data = tmp_path / "server"
    with LiveServer(data) as server, httpx.Client(base_url=server.url) as client:
        api = Api(client, server.app)
        ids = _push(api, api.register(), 3)
    bad = tmp_path / "bad.sqlite3"
    make_file(bad)  # type: ignore[operator]
    assert main(["restore", str(bad), "--data-dir", str(data)]) == 2
    assert said in capsys.readouterr().err
    assert _event_ids(data / "sync.sqlite3") == ids
    assert not list(data.glob("*before-restore*"))


def test_backup_never_overwrites_and_says_what_to_do_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "server"
    assert main(["backup", str(tmp_path / "b.sqlite3"), "--data-dir", str(data)]) == 2
    assert "nothing to back up" in capsys.readouterr().err
    with LiveServer(data):
        pass
    existing = tmp_path / "b.sqlite3"
    existing.write_text("keep me")
    assert main(["backup", str(existing), "--data-dir", str(data)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert existing.read_text() == "keep me"
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert main(["backup", str(tmp_path / "c"), "--database-url", url]) == 2
    assert "pg_dump" in capsys.readouterr().err
