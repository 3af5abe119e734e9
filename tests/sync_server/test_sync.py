"""POST /v1/sync: nothing lost, nothing duplicated, every event validated."""

from __future__ import annotations

import functools
import gzip
import json
import zlib

import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient

from aidioma_protocol.events import Event
from aidioma_protocol.payloads import SCHEMA_VERSION
from aidioma_protocol.wire import MAX_BODY_BYTES, MAX_PULL_EVENTS, MAX_PUSH_EVENTS
from sync_server import crud

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


def test_pages_stay_within_their_byte_bound_and_a_large_event_still_comes(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync_server.api.routes import sync as route

    token = api.register("ana")
    big = make_event(
        "phone", kind="card.added", payload={"content_id": "c1", "es": "é" * 500, "en": "e"}
    )
    small = [make_event("phone") for _ in range(5)]
    api.sync_ok(token, "phone", events=[big, *small])
    monkeypatch.setattr(route, "MAX_PULL_CHARS", len(json.dumps(small[0])) * 2)
    first = api.sync_ok(token, "desktop")
    assert _ids(first["events"]) == [big["id"]] and first["more"]  # larger than the bound: alone
    pulled, cursor = api.pull_all(token, "desktop")
    assert pulled == [big, *small]
    assert cursor == 6


def test_a_replayed_push_stores_nothing_new(api: Api, app: FastAPI) -> None:
    token = api.register("ana")
    batch = [make_event("laptop") for _ in range(4)]
    first = api.sync_ok(token, "laptop", events=batch)
    again = api.sync_ok(token, "laptop", events=batch)  # the answer was lost: retry
    assert again["accepted"] == first["accepted"] == _ids(batch)
    assert again["cursor"] >= first["cursor"] == 4  # seqs only grow (the retry's go unused)
    assert count_rows(app, crud.events) == 4
    assert api.sync_ok(token, "laptop", again["cursor"])["events"] == []
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


def test_acceptances_and_their_undoing_are_checked_and_passed_on(api: Api) -> None:
    """An answer accepted ("I was right") and an acceptance undone: checked with the domain's
    rules like every kind this server knows, stored and relayed to the other devices."""
    token = api.register("ana")
    attempt = make_event("laptop")
    settles = {
        "content_id": attempt["payload"]["content_id"],
        "direction": "es-en",
        "answer": "I arise at seven every day.",
        "attempt_id": attempt["id"],
    }
    accepted = make_event("laptop", kind="answer.accepted", payload=settles)
    undone = make_event("laptop", kind="answer.unaccepted", payload=settles)
    outside_an_attempt = {k: v for k, v in settles.items() if k != "attempt_id"}
    plain = make_event("laptop", kind="answer.accepted", payload=outside_an_attempt)
    pushed = [attempt, accepted, undone, plain]
    assert api.sync_ok(token, "laptop", events=pushed)["accepted"] == _ids(pushed)
    pulled = api.pull_all(token, "desktop")[0]
    assert pulled == pushed
    assert all(Event.from_dict(event).known for event in pulled)

    for change, field in [
        ({"attempt_id": "not-an-id"}, "payload.attempt_id"),
        ({"answer": ""}, "payload.answer"),
        ({"direction": "es-fr"}, "payload.direction"),
        ({"verdict": "correct"}, "payload.verdict"),  # not a field of an acceptance
    ]:
        bad = make_event("laptop", kind="answer.accepted", payload=settles | change)
        answer = api.sync(token, "laptop", events=[bad])
        assert answer.status_code == 422
        assert answer.json()["error"]["message"].startswith(f"events[0].{field}:")


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


def test_large_answers_come_gzip_compressed_to_clients_that_take_it(
    api: Api, client: TestClient
) -> None:
    token = api.register("ana")
    pushed = [make_event("phone") for _ in range(300)]
    api.sync_ok(token, "phone", events=pushed)
    body = {"device_id": "desktop", "cursor": 0, "events": []}
    answers = {
        encoding: client.post(
            "/v1/sync", json=body, headers={**bearer(token), "Accept-Encoding": encoding}
        )
        for encoding in ("gzip", "identity", "br, gzip;q=0")
    }
    compressed = answers["gzip"]
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.num_bytes_downloaded * 3 < len(compressed.content)
    for plain in (answers["identity"], answers["br, gzip;q=0"]):
        assert "content-encoding" not in plain.headers
        assert plain.json() == compressed.json()
    assert _ids(compressed.json()["events"]) == _ids(pushed)
    export = client.get("/v1/account/export", headers={**bearer(token), "Accept-Encoding": "*"})
    assert export.headers["content-encoding"] == "gzip"
    assert _ids(export.json()["events"]) == _ids(pushed)


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


_DROP = object()


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("request", {}),
        ("request", {"cursor": _DROP, "events": _DROP}),
        ("request", {"cursor": True}),
        ("request", {"cursor": -1}),
        ("request", {"cursor": 5.0}),
        ("request", {"cursor": "5"}),
        ("request", {"device_id": ""}),
        ("request", {"device_id": "d" * 65}),
        ("request", {"extra": 1}),
        ("request", {"events": {}}),
        ("event", {}),
        ("event", {"v": _DROP}),  # the model's default
        ("event", {"v": 0}),
        ("event", {"v": 1.0}),
        ("event", {"v": False}),
        ("event", {"tz_offset_min": 961}),
        ("event", {"tz_offset_min": "60"}),
        ("event", {"id": "0190F0A0-0000-7000-8000-000000000000"}),
        ("event", {"id": "0190f0a0-0000-7000-8000-000000000000\n"}),
        ("event", {"hlc": "00000000000005.000000.d1"}),
        ("event", {"hlc": "000000000000005.000000."}),
        ("event", {"kind": ""}),
        ("event", {"kind": "k" * 61}),
        ("event", {"occurred_at": "2026-01-31T09:30:00Z"}),
        ("event", {"occurred_at": "2026-01-31 09:30:00.000Z"}),
        ("event", {"occurred_at": 1_700_000_000_000}),
        ("event", {"payload": []}),
        ("event", {"extra": 1}),
        ("event", {"device_id": _DROP}),
    ],
)
def test_the_quick_request_check_accepts_and_refuses_as_the_wire_model(where, change) -> None:
    """The server reads requests as the apps write them without its pydantic model: for any
    request the result is what the model gives, accepted or refused."""
    from aidioma_protocol.wire import SyncRequest
    from sync_server.api.routes.sync import _canonical_request, _parse

    request = {"device_id": "laptop", "cursor": 7, "events": [make_event(), make_event()]}
    target = request if where == "request" else request["events"][1]
    for name, value in change.items():
        if value is _DROP:
            target.pop(name, None)
        else:
            target[name] = value
    raw = json.dumps(request).encode()
    try:
        expected = SyncRequest.model_validate_json(raw)
    except ValueError:
        expected = None
    quick = _canonical_request(json.loads(raw))
    if quick:
        assert expected is not None  # the quick check never takes what the model refuses
    if not change:
        assert quick  # a request as the apps write it takes the quick path
    if expected is None:
        with pytest.raises(RequestValidationError):
            _parse(raw)
    else:
        parsed = _parse(raw)
        assert (parsed.device_id, parsed.cursor) == (expected.device_id, expected.cursor)
        assert parsed.events == [e.model_dump() for e in expected.events]


def test_events_are_stored_and_served_in_one_canonical_form_whatever_the_key_order(
    api: Api, client: TestClient
) -> None:
    token = api.register("ana")
    as_written = make_event("laptop")
    shuffled = dict(reversed(make_event("laptop").items()))
    api.sync_ok(token, "laptop", events=[as_written, shuffled])
    raw = client.post(
        "/v1/sync", json={"device_id": "desktop", "cursor": 0}, headers=bearer(token)
    ).text
    served = json.loads(raw)["events"]
    assert [list(e) for e in served] == [list(as_written)] * 2
    # The very text of each: compact, keys in the wire order.
    for event in served:
        assert json.dumps(event, ensure_ascii=False, separators=(",", ":")) in raw


@pytest.mark.parametrize(
    ("where", "change", "field"),
    [
        ("request", {"cursor": "5"}, "cursor"),
        ("request", {"cursor": True}, "cursor"),
        ("request", {"cursor": 1.0}, "cursor"),
        ("event", {"v": True}, "events[0].v"),
        ("event", {"v": 1.0}, "events[0].v"),
        ("event", {"tz_offset_min": "60"}, "events[0].tz_offset_min"),
    ],
)
def test_numbers_must_be_json_integers(api: Api, where: str, change: dict, field: str) -> None:
    token = api.register("ana")
    body = {"device_id": "laptop", "cursor": 0, "events": [make_event("laptop")]}
    (body if where == "request" else body["events"][0]).update(change)
    answer = api.client.post("/v1/sync", json=body, headers=bearer(token))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["message"].startswith(f"{field}: ")
    assert api.sync_ok(token, "desktop")["events"] == []  # nothing was stored
