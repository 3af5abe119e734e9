"""Server test fixtures: every test runs on SQLite, and on PostgreSQL and MariaDB when reachable.

PostgreSQL and MariaDB tests each get a schema / database of their own, dropped afterwards, so
tests never see each other's tables (nor those of anyone else using the same server). Where
`CI=true`, an unreachable PostgreSQL or MariaDB fails the tests instead of skipping them.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from sync_server.app import create_app
from sync_server.config import Settings
from tests.live_server import FAST_PASSWORDS, LiveServer

from .helpers import T0, Api, TestClock

POSTGRES_URL = os.environ.get(
    "AIDIOMA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MARIADB_URL = os.environ.get(
    "AIDIOMA_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"
)
BACKENDS = ("sqlite", "postgresql", "mariadb")


@functools.cache
def _unreachable(url: str) -> str | None:
    """Why the database server at `url` cannot be used, or None when it can."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"{make_url(url).get_backend_name()} at {url} not reachable: {exc!r:.200}"
    finally:
        engine.dispose()
    return None


def _require(url: str) -> None:
    reason = _unreachable(url)
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: these tests must run, not be skipped)")
    pytest.skip(reason)


def _admin(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with nothing in it, on each backend; cleaned up after the test."""
    backend = request.param
    name = f"aidioma_t_{secrets.token_hex(6)}"
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    base = POSTGRES_URL if backend == "postgresql" else MARIADB_URL
    _require(base)
    admin = _admin(base)
    try:
        with admin.connect() as connection:
            if backend == "postgresql":
                connection.execute(text(f'CREATE SCHEMA "{name}"'))
            else:
                connection.execute(
                    text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
                )
        url = make_url(base)
        if backend == "postgresql":  # a schema of our own, first on the search path
            url = url.update_query_dict({"options": f"-csearch_path={name}"})
        else:
            url = url.set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            if backend == "postgresql":
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            else:
                connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def clock() -> TestClock:
    return TestClock(T0)


def make_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {**FAST_PASSWORDS, **overrides}
    return Settings(data_dir=tmp_path / "data", database_url=database_url, **values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def app(settings: Settings, clock: TestClock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # Server errors come back as 500 answers, as a real client would see them.
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient, app: FastAPI) -> Api:
    return Api(client, app)


@pytest.fixture
def live_server(tmp_path: Path, database_url: str) -> Iterator[LiveServer]:
    with LiveServer(tmp_path / "live", database_url) as server:
        yield server
        server.app.state.engine.dispose()
