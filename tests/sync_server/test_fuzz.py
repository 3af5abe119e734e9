"""Schemathesis fuzzes every operation from the OpenAPI schema: no input makes a 5xx.

Authed operations get a valid token (made fresh for each case, since a case may log out or
delete the account), so the fuzzer reaches the code behind the token check.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from sync_server import crud
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.security import new_token, token_hash

from .helpers import T0


def _fresh_token(app: FastAPI) -> str:
    """A token of the "fuzzer" account, recreating the account if a case deleted it."""
    with app.state.context.sessions() as session:
        found = crud.credentials(session, "fuzzer")
        user_id = found.id if found else crud.create_user(session, "fuzzer", "", "x", T0)
        token = new_token()
        crud.add_token(session, token_hash(token), user_id, T0, T0 + 10**12)
        session.commit()
    return token


# The schema is read once, from an app on a throwaway SQLite database; each test then sends the
# generated cases to the app of its own backend.
_schema_dir = tempfile.TemporaryDirectory(prefix="aidioma-fuzz-")
_schema_app = create_app(Settings(data_dir=Path(_schema_dir.name)))
schema = schemathesis.openapi.from_asgi("/openapi.json", _schema_app)
_schema_app.state.engine.dispose()


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_a_server_error(case: schemathesis.Case, app: FastAPI) -> None:
    headers = {"Authorization": f"Bearer {_fresh_token(app)}"}
    case.call_and_validate(headers=headers, checks=[not_a_server_error], app=app)
