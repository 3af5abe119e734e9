"""POST /v1/sync: nothing lost, nothing duplicated, every event validated."""

from __future__ import annotations

import functools
import gzip
import json
import zlib

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aidioma_desktop.domain.events import SCHEMA_VERSION, Event
from sync_server import crud
from sync_server.protocol import MAX_BODY_BYTES, MAX_PULL_EVENTS, MAX_PUSH_EVENTS

from .helpers import Api, bearer, count_rows, make_event


def _ids(events: list[dict]) -> list[str]:
    return [event["id"] for event in events]


def test_push_then_pull_on_another_device(api: Api) -> None:
    token = api.register("ana")
    pushed = [make_event("laptop") for _ in range(3)]
    answer = api.sync_ok(token, "laptop", events=pushed)
    assert answer["accepted"] == _ids(pushed)
    assert answer["events"] == []  # its own events do not come back
    assert answer["more"] is False

    pulled = api.sync_ok(token, "desktop")
    assert pulled["events"] == pushed  # as sent, in order
    assert pulled["more"] is False
    # Nothing new after the cursor.
    again = api.sync_ok(token, "desktop", pulled["cursor"])
    assert again["events"] == []
    assert again["cursor"] == pulled["cursor"]

    later = [make_event("laptop") for _ in range(2)]
    api.sync_ok(token, "laptop", answer["cursor"], later)
    assert api.sync_ok(token, "desktop", pulled["cursor"])["events"] == later


def test_pull_excludes_the_pulling_device_but_not_its_cursor(api: Api) -> None:
    token = api.register("ana")
    api.sync_ok(token, "desktop", events=[make_event("desktop")])
    laptop_event = make_event("laptop")
    api.sync_ok(token, "laptop", events=[laptop_event])
    answer = api.sync_ok(token, "desktop", 0)
    assert answer["events"] == [laptop_event]
    assert answer["cursor"] == 2


def test_paging_with_more_across_full_batches(api: Api) -> None:
    token = api.register("ana")
    pushed = [make_event("laptop") for _ in range(MAX_PULL_EVENTS + 7)]
    for start in range(0, len(pushed), MAX_PUSH_EVENTS):
        batch = pushed[start : start + MAX_PUSH_EVENTS]
        assert api.sync_ok(token, "laptop", events=batch)["accepted"] == _ids(batch)

    first = api.sync_ok(token, "desktop", 0)
    assert first["more"] is True
    assert len(first["events"]) == MAX_PULL_EVENTS
    second = api.sync_ok(token, "desktop", first["cursor"])
    assert second["more"] is False
    assert _ids(first["events"] + second["events"]) == _ids(pushed)


def test_paging_skips_own_events_without_losing_others(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync_server.api.routes import sync as route

    monkeypatch.setattr(route, "MAX_PULL_EVENTS", 2)
    token = api.register("ana")
    expected = []
    for n in range(7):  # interleaved: other devices' events between the desktop's own
        device = "desktop" if n % 3 == 0 else f"phone{n % 2}"
        event = make_event(device)
        api.sync_ok(token, device, events=[event])
        if device != "desktop":
            expected.append(event)
    pulled, cursor = api.pull_all(token, "desktop")
    assert pulled == expected
    assert cursor == 7


def test_a_replayed_push_stores_nothing_new(api: Api, app: FastAPI) -> None:
    token = api.register("ana")
    batch = [make_event("laptop") for _ in range(4)]
    first = api.sync_ok(token, "laptop", events=batch)
    again = api.sync_ok(token, "laptop", events=batch)  # the answer was lost: retry
    assert again["accepted"] == first["accepted"] == _ids(batch)
    assert again["cursor"] == first["cursor"] == 4
    assert count_rows(app, crud.events) == 4
    # A retry that adds new events to old ones: only the new ones are stored.
    extra = make_event("laptop")
    mixed = api.sync_ok(token, "laptop", events=[*batch[:2], extra])
    assert mixed["accepted"] == [*_ids(batch[:2]), extra["id"]]
    assert count_rows(app, crud.events) == 5
    assert _ids(api.pull_all(token, "desktop")[0]) == [*_ids(batch), extra["id"]]


def test_duplicate_ids_in_one_request_are_stored_once(api: Api, app: FastAPI) -> None:
    token = api.register("ana")
    one, two = make_event("laptop"), make_event("laptop")
    answer = api.sync_ok(token, "laptop", events=[one, two, one, one])
    assert answer["accepted"] == [one["id"], two["id"]]
    assert count_rows(app, crud.events) == 2
    assert api.pull_all(token, "desktop")[0] == [one, two]


def test_unknown_kinds_and_newer_versions_are_kept_and_passed_on(api: Api) -> None:
    token = api.register("ana")
    future_kind = make_event("laptop", kind="quiz.finished", payload={"x": [1, {"y": None}]})
    newer = make_event("laptop", v=SCHEMA_VERSION + 1, payload={"score": "a new shape"})
    answer = api.sync_ok(token, "laptop", events=[future_kind, newer])
    assert answer["accepted"] == _ids([future_kind, newer])
    assert api.pull_all(token, "desktop")[0] == [future_kind, newer]


def test_every_stored_event_reads_back_with_the_domain_rules(api: Api) -> None:
    token = api.register("ana")
    events = [
        make_event("laptop"),
        make_event("laptop", kind="review.graded"),
        make_event("laptop", kind="quiz.finished"),
        make_event("laptop", tz_offset_min=-16 * 60, occurred_at="2024-02-29T23:59:59Z"),
        make_event("laptop", payload={**make_event()["payload"], "errors": ["ñ", "ü"]}),
    ]
    api.sync_ok(token, "laptop", events=events)
    pulled = api.pull_all(token, "desktop")[0]
    assert [Event.from_dict(event).to_dict()["id"] for event in pulled] == _ids(events)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"payload": {**make_event()["payload"], "score": 300}}, "events[1].payload.score"),
        ({"payload": {"content_id": "s1"}}, "events[1].payload.direction"),
        ({"payload": {**make_event()["payload"], "extra": 1}}, "events[1].payload.extra"),
        ({"occurred_at": "2026-02-31T10:00:00Z"}, "events[1].occurred_at"),
        ({"id": "not-a-uuid"}, "events[1].id"),
        ({"hlc": "12"}, "events[1].hlc"),
        ({"tz_offset_min": 5000}, "events[1].tz_offset_min"),
        ({"device_id": "a\x00b"}, "events[1].device_id"),
        ({"surprise": True}, "events[1].surprise"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field(
    api: Api, app: FastAPI, change: dict, field: str
) -> None:
    token = api.register("ana")
    bad = make_event("laptop", **change)
    answer = api.sync(token, "laptop", events=[make_event("laptop"), bad])
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"].startswith(f"{field}:"), error["message"]
    assert count_rows(app, crud.events) == 0  # all or nothing


def test_the_score_message_reads_well(api: Api) -> None:
    token = api.register("ana")
    bad = make_event("laptop", payload={**make_event()["payload"], "score": 300})
    answer = api.sync(token, "laptop", events=[make_event(), make_event(), make_event(), bad])
    assert answer.json()["error"]["message"] == (
        "events[3].payload.score: expected a whole number 0..100, got 300"
    )


def test_too_many_events_in_one_request(api: Api) -> None:
    token = api.register("ana")
    event = make_event("laptop")
    answer = api.sync(token, "laptop", events=[event] * (MAX_PUSH_EVENTS + 1))
    assert answer.status_code == 422
    assert answer.json()["error"]["message"].startswith("events:")


def test_an_oversized_payload_is_refused(api: Api) -> None:
    token = api.register("ana")
    big = make_event("laptop", kind="notes.kept", payload={"text": "é" * 9000})  # 18 kB UTF-8
    answer = api.sync(token, "laptop", events=[big])
    assert answer.status_code == 422
    assert answer.json()["error"]["message"].startswith("events[0].payload: over")


def test_non_finite_numbers_are_refused(api: Api, client: TestClient) -> None:
    token = api.register("ana")
    body = json.dumps({"device_id": "laptop", "events": [make_event(kind="x.y")]})
    body = body.replace('"three": 3.5', '"three": 1e999')
    answer = client.post(
        "/v1/sync", content=body, headers={**bearer(token), "Content-Type": "application/json"}
    )
    assert answer.status_code == 422


def test_a_cursor_from_another_history_starts_over(api: Api) -> None:
    token = api.register("ana")
    event = make_event("laptop")
    api.sync_ok(token, "laptop", events=[event])
    answer = api.sync_ok(token, "desktop", cursor=10_000)  # e.g. the server was restored
    assert answer["events"] == [event]
    assert answer["cursor"] == 1


def _post_raw(client: TestClient, token: str, body: bytes, **headers: str):
    return client.post(
        "/v1/sync",
        content=body,
        headers={**bearer(token), "Content-Type": "application/json", **headers},
    )


def test_gzip_bodies_are_accepted(api: Api, client: TestClient) -> None:
    token = api.register("ana")
    event = make_event("laptop")
    body = gzip.compress(json.dumps({"device_id": "laptop", "events": [event]}).encode())
    answer = _post_raw(client, token, body, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == [event["id"]]


def test_an_oversized_body_is_refused(api: Api, client: TestClient) -> None:
    token = api.register("ana")
    body = b'{"device_id": "laptop", "events": [], "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    answer = _post_raw(client, token, body)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"


@functools.cache
def _gzip_bomb() -> bytes:
    stream = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * (1 << 20)
    parts = [stream.compress(chunk) for _ in range(8 * MAX_BODY_BYTES >> 20)]
    return b"".join([*parts, stream.flush()])  # 128 MB of spaces in ~130 kB


def test_a_gzip_bomb_is_refused(api: Api, client: TestClient) -> None:
    token = api.register("ana")
    bomb = _gzip_bomb()
    assert len(bomb) < MAX_BODY_BYTES // 50
    answer = _post_raw(client, token, bomb, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b'{"device_id": "laptop", "events": [', {}),
        (b'{"device_id": "\\ud800"}', {}),  # a lone surrogate
        (b"not gzip at all", {"Content-Encoding": "gzip"}),
        (gzip.compress(b'{"device_id": "laptop"}')[:-6], {"Content-Encoding": "gzip"}),
        (b'{"device_id": "laptop"}', {"Content-Encoding": "br"}),
    ],
)
def test_malformed_bodies_are_bad_requests(
    api: Api, client: TestClient, body: bytes, headers: dict[str, str]
) -> None:
    token = api.register("ana")
    answer = _post_raw(client, token, body, **headers)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_request"
