"""The account: summary, export, deletion; and two people on one server never meet."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sync_server import crud

from .helpers import Api, TestClock, bearer, count_rows, make_event


def test_account_summary_counts_events_per_device(api: Api, clock: TestClock) -> None:
    token = api.register("ana", email="ana@example.org")
    api.sync_ok(token, "laptop", events=[make_event("laptop") for _ in range(2)])
    clock.advance(60)
    answer = api.sync_ok(token, "desktop", events=[make_event("desktop")])
    account = api.client.get("/v1/account", headers=bearer(token)).json()
    assert account["username"] == "ana"
    assert account["email"] == "ana@example.org"
    assert account["created_at"] == "2026-11-22T10:00:00.000Z"
    assert account["events"] == 3
    assert account["devices"] == [
        {"device_id": "desktop", "events": 1, "last_seen": "2026-11-22T10:01:00.000Z"},
        {"device_id": "laptop", "events": 2, "last_seen": "2026-11-22T10:00:00.000Z"},
    ]
    # The name of this account's copy, as a sync says it: a laptop that synced with it at
    # another address knows it for the same account.
    assert account["history"] == answer["history"]
    bens = api.client.get("/v1/account", headers=bearer(api.register("ben"))).json()
    assert bens["history"] != account["history"]


def test_export_holds_every_event_in_order(api: Api) -> None:
    token = api.register("ana")
    events = [make_event("laptop"), make_event("desktop", kind="some.future_kind")]
    api.sync_ok(token, "laptop", events=events[:1])
    api.sync_ok(token, "desktop", events=events[1:])
    export = api.client.get("/v1/account/export", headers=bearer(token)).json()
    assert export["events"] == events
    assert export["account"]["username"] == "ana"
    assert export["account"]["events"] == 2


def test_delete_account_erases_everything_of_that_person(api: Api, app: FastAPI) -> None:
    ana = api.register("ana")
    api.login("ana")  # a second token
    api.login("ana", "wrong password")  # a failure on record
    api.sync_ok(ana, "laptop", events=[make_event("laptop") for _ in range(3)])
    ben = api.register("ben")
    ben_events = [make_event("phone")]
    api.sync_ok(ben, "phone", events=ben_events)

    assert api.client.delete("/v1/account", headers=bearer(ana)).status_code == 204

    with app.state.context.sessions() as session:
        ana_id = session.execute(
            crud.users.select().where(crud.users.c.username_key == "ana")
        ).first()
    assert ana_id is None
    assert count_rows(app, crud.users) == 1
    assert count_rows(app, crud.events) == 1  # ben's
    assert count_rows(app, crud.tokens) == 1  # ben's
    assert count_rows(app, crud.failures, key="user:ana") == 0
    assert api.client.get("/v1/account", headers=bearer(ana)).status_code == 401
    assert api.login("ana").status_code == 401
    # Ben is untouched.
    assert api.pull_all(ben, "tablet")[0] == ben_events
    # The name is free again, and the new account starts empty.
    again = api.register("ana")
    assert api.pull_all(again, "tablet")[0] == []


def test_two_people_never_see_each_others_data(api: Api, client: TestClient) -> None:
    ana, ben = api.register("ana"), api.register("ben")
    shared = make_event("laptop")  # the same event id pushed by both
    ana_events = [shared, make_event("laptop")]
    api.sync_ok(ana, "laptop", events=ana_events)

    # Sync: ben's devices get nothing of ana's, and ben's own copy of an id is his own.
    assert api.pull_all(ben, "laptop")[0] == []
    assert api.pull_all(ben, "desktop")[0] == []
    assert api.sync_ok(ben, "laptop", events=[shared])["accepted"] == [shared["id"]]
    assert api.pull_all(ben, "desktop")[0] == [shared]
    assert api.pull_all(ana, "desktop")[0] == ana_events

    # Account and export show only one's own.
    ben_account = client.get("/v1/account", headers=bearer(ben)).json()
    assert ben_account["username"] == "ben"
    assert ben_account["events"] == 1
    ben_export = client.get("/v1/account/export", headers=bearer(ben)).json()
    assert ben_export["events"] == [shared]

    # Ben deleting his account leaves ana's alone, including her copy of the shared id.
    assert client.delete("/v1/account", headers=bearer(ben)).status_code == 204
    assert api.pull_all(ana, "desktop")[0] == ana_events
    assert client.get("/v1/account", headers=bearer(ana)).json()["events"] == 2
    # Logging out ben's (now gone) token does not touch ana's.
    assert client.post("/v1/auth/logout", headers=bearer(ben)).status_code == 401
    assert client.get("/v1/account", headers=bearer(ana)).status_code == 200
