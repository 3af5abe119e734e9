"""The schema comes from Alembic at startup; starting again changes nothing."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from sync_server import crud
from sync_server.app import create_app
from sync_server.models import Base

from .conftest import make_settings
from .helpers import Api, count_rows, make_event

TABLES = {"users", "tokens", "events", "login_failures", "server_state", "alembic_version"}


def test_first_start_creates_the_schema_from_nothing(tmp_path: Path, database_url: str) -> None:
    app = create_app(make_settings(tmp_path, database_url))
    try:
        assert set(inspect(app.state.engine).get_table_names()) >= TABLES
        with app.state.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() is not None
            # The models and the migrations describe the same tables.
            assert compare_metadata(context, Base.metadata) == []
    finally:
        app.state.engine.dispose()


def test_second_start_keeps_data_and_invite_code(tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url)
    first = create_app(settings)
    with TestClient(first) as client:
        api = Api(client, first)
        token = api.register("ana")
        api.sync_ok(token, "laptop", events=[make_event("laptop")])
        code = api.invite_code
    first.state.engine.dispose()

    second = create_app(settings)
    try:
        with TestClient(second) as client:
            api = Api(client, second)
            assert api.invite_code == code
            assert api.login("ana").status_code == 200
            assert len(api.sync_ok(token, "desktop")["events"]) == 1
        assert count_rows(second, crud.events) == 1
    finally:
        second.state.engine.dispose()
