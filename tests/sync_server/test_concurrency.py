"""Several devices of one person syncing at once, over real HTTP: every event is stored once
with a seq of its own, and a device pulling meanwhile ends up with every event exactly once."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import select

from sync_server import crud
from tests.live_server import LiveServer

from .helpers import PASSWORD, bearer, make_event

PUSHERS = 4
BATCHES = 8
BATCH = 5


def _register(server: LiveServer) -> str:
    answer = httpx.post(
        f"{server.url}/v1/auth/register",
        json={"username": "ana", "password": PASSWORD, "invite_code": server.invite_code},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["token"])


def test_concurrent_pushes_and_pull(live_server: LiveServer) -> None:
    token = _register(live_server)
    batches = {
        f"device{n}": [[make_event(f"device{n}") for _ in range(BATCH)] for _ in range(BATCHES)]
        for n in range(PUSHERS)
    }
    # One batch is pushed by two devices at once (a restored outbox): it must be stored once.
    twice = batches["device0"][0]
    expected = {event["id"] for device in batches.values() for batch in device for event in batch}
    failures: list[str] = []
    pushing_done = threading.Event()

    def push(device: str, extra: list[list[dict]]) -> None:
        with httpx.Client(base_url=live_server.url, headers=bearer(token), timeout=60) as client:
            for batch in batches[device] + extra:
                answer = client.post(
                    "/v1/sync", json={"device_id": device, "cursor": 0, "events": batch}
                )
                if answer.status_code != 200 or answer.json()["accepted"] != [
                    event["id"] for event in batch
                ]:
                    failures.append(f"{device}: {answer.status_code} {answer.text[:200]}")

    pulled: list[str] = []

    def pull() -> None:
        cursor = 0
        with httpx.Client(base_url=live_server.url, headers=bearer(token), timeout=60) as client:
            while True:
                finished = pushing_done.is_set()  # read before syncing: then a pull sees all
                answer = client.post("/v1/sync", json={"device_id": "reader", "cursor": cursor})
                if answer.status_code != 200:
                    failures.append(f"reader: {answer.status_code} {answer.text[:200]}")
                    return
                body = answer.json()
                pulled.extend(event["id"] for event in body["events"])
                cursor = body["cursor"]
                if finished and not body["more"]:
                    return

    pushers = [
        threading.Thread(target=push, args=(device, [twice] if device == "device1" else []))
        for device in batches
    ]
    puller = threading.Thread(target=pull)
    puller.start()
    for thread in pushers:
        thread.start()
    for thread in pushers:
        thread.join()
    pushing_done.set()
    puller.join()

    assert failures == []
    assert len(pulled) == len(set(pulled)), "an event was pulled twice"
    assert set(pulled) == expected, "an event was never pulled"
    with live_server.app.state.context.sessions() as session:
        seqs = list(session.execute(select(crud.events.c.seq)).scalars())
    assert len(seqs) == len(set(seqs)) == len(expected)


def test_restart_mid_sync_loses_nothing(live_server: LiveServer) -> None:
    token = _register(live_server)
    first = [make_event("laptop") for _ in range(3)]
    with httpx.Client(base_url=live_server.url, headers=bearer(token)) as client:
        client.post("/v1/sync", json={"device_id": "laptop", "events": first})
    code = live_server.invite_code
    live_server.restart()
    assert live_server.invite_code == code
    second = [make_event("laptop")]
    with httpx.Client(base_url=live_server.url, headers=bearer(token)) as client:
        answer = client.post("/v1/sync", json={"device_id": "laptop", "events": first + second})
        assert answer.json()["accepted"] == [event["id"] for event in first + second]
        pulled = client.post("/v1/sync", json={"device_id": "desktop"}).json()
    assert pulled["events"] == first + second
