"""Sync figures: a real server process on 127.0.0.1, real profile databases on each side.

- sync_initial_{10k,100k}_s: device A pushes all its events, device B starts empty and pulls
  them, its projections built as they arrive (SQLite server).
- sync_incremental_100_ms: A records 100 new events and pushes them, B pulls them.
- sync_noop_ms: a sync with nothing to send or receive.
- server_rps_* / server_p95_ms_*: 20 concurrent clients (5 people, 4 devices each), each
  request pushing 3 new events and pulling the others' (SQLite, and PostgreSQL when reachable).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.services.session import Learner, SessionService
from aidioma_desktop.services.sync import KEYRING_SERVICE, SyncService
from aidioma_desktop.store.paths import AppPaths
from aidioma_desktop.store.secrets import SecretStore
from aidioma_protocol.ids import uuid7

from .core import percentile
from .data import T_END, activity

PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
POSTGRES_URL = os.environ.get(
    "AIDIOMA_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CLIENTS = 20
PEOPLE = 5
LOAD_SECONDS = 6.0
PASSWORD = "benchmark password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server_process(data_dir: Path, database_url: str = "", workers: int = 1) -> Iterator[str]:
    """`aidioma-sync-server` in its own process; yields its URL and invite code line."""
    port = _free_port()
    command = [
        sys.executable, "-m", "sync_server", "serve", "--data-dir", str(data_dir),
        "--port", str(port), "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    if database_url:
        command += ["--database-url", database_url]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        assert child.stdout is not None
        invite = ""
        for line in child.stdout:
            if "invite code" in line:
                invite = line.split(":", 1)[1].strip()
            if "listening on" in line:
                break
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or child.poll() is not None:
                raise RuntimeError("the sync server did not start")
            time.sleep(0.05)
        yield f"{url} {invite}"
    finally:
        child.terminate()
        child.wait(timeout=30)


def _device(root: Path, name: str, library: ContentLibrary) -> tuple[SessionService, Learner]:
    paths = AppPaths.resolve(root / name)
    service = SessionService(paths, ManualClock(T_END - 3_600_000), library)
    service.create_profile("Bench")
    return service, service.login("Bench")


def initial_and_incremental(root: Path, events: int, extra: bool) -> Iterator[tuple[str, float]]:
    library = ContentLibrary.load()
    with server_process(root / f"server-{events}") as info:
        url, invite = info.split(" ", 1)
        _sa, a = _device(root, f"a-{events}", library)
        _sb, b = _device(root, f"b-{events}", library)
        a.db.append(activity(events, list(library.sentences), device=a.device_id))
        # Tokens in memory only: a benchmark must not touch the OS keyring.
        sync_a = SyncService(a, SecretStore(KEYRING_SERVICE, use_keyring=False))
        sync_b = SyncService(b, SecretStore(KEYRING_SERVICE, use_keyring=False))
        user = f"bench{events}"
        sync_a.register(url, user, PASSWORD, invite)
        sync_b.sign_in(url, user, PASSWORD)
        started = time.perf_counter()
        sync_a.sync_now()
        sync_b.sync_now()
        yield f"sync_initial_{events // 1000}k_s", time.perf_counter() - started
        assert b.db.event_count() >= events
        if extra:
            rounds = []
            ids = list(library.sentences)
            for r in range(7):
                a.record_many(
                    [
                        (
                            "review.graded",
                            {
                                "content_id": ids[(r * 100 + i) % len(ids)],
                                "rating": 1 + i % 4,
                                "duration_ms": 2000,
                                "retention": 0.9,
                                "fuzz": True,
                            },
                        )
                        for i in range(100)
                    ]
                )
                started = time.perf_counter()
                sync_a.sync_now()
                report = sync_b.sync_now()
                rounds.append((time.perf_counter() - started) * 1000)
                assert report.pulled == 100
            yield "sync_incremental_100_ms", statistics.median(rounds)
            sync_a.sync_now()  # nothing left anywhere
            noops = []
            for _ in range(30):
                started = time.perf_counter()
                sync_b.sync_now()
                noops.append((time.perf_counter() - started) * 1000)
            yield "sync_noop_ms", statistics.median(noops)
        for s in (sync_a, sync_b):
            s.close()
        a.close()
        b.close()


def _event(device: str, n: int) -> dict[str, object]:
    now = int(time.time() * 1000)
    return {
        "id": uuid7(now),
        "kind": "review.graded",
        "hlc": f"{now:015d}.{n % 1_000_000:06d}.{device}",
        "device_id": device,
        "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now / 1000)),
        "tz_offset_min": 60,
        "v": 1,
        "payload": {
            "content_id": f"food.{n % 30:03d}",
            "rating": 1 + n % 4,
            "duration_ms": 2500,
            "retention": 0.9,
            "fuzz": True,
        },
    }


def server_load(url: str, invite: str, tag: str) -> tuple[float, float]:
    """Requests per second and p95 latency of 20 clients syncing small batches at once."""
    tokens = []
    with httpx.Client(base_url=url) as http:
        for person in range(PEOPLE):
            body = {
                "username": f"load{tag}{person}",
                "password": PASSWORD,
                "invite_code": invite,
                "email": "",
            }
            answer = http.post("/v1/auth/register", json=body)
            answer.raise_for_status()
            tokens.append(answer.json()["token"])
    host, port = urlsplit(url).hostname, urlsplit(url).port
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]

    def client(index: int) -> None:
        device = f"load-{tag}-{index}"
        headers = {
            "Authorization": f"Bearer {tokens[index % PEOPLE]}",
            "Content-Type": "application/json",
        }
        cursor, n = 0, 0
        # The stdlib's client, not httpx: the load's clients share this machine's two cores with
        # the server, and httpx costs ~1 ms of CPU per request more (real clients are elsewhere).
        http = HTTPConnection(host, port, timeout=30)
        try:
            start.wait()
            while time.perf_counter() < stop_at[0]:
                events = [_event(device, n + i) for i in range(3)]
                n += 3
                body = json.dumps({"device_id": device, "cursor": cursor, "events": events})
                began = time.perf_counter()
                http.request("POST", "/v1/sync", body.encode(), headers)
                answer = http.getresponse()
                data = answer.read()
                latencies[index].append((time.perf_counter() - began) * 1000)
                if answer.status != 200:
                    raise RuntimeError(f"sync answered {answer.status}: {data[:200]!r}")
                cursor = json.loads(data)["cursor"]
        finally:
            http.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + LOAD_SECONDS
    began = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    every = [ms for per_client in latencies for ms in per_client]
    return len(every) / elapsed, percentile(every, 0.95)


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3
        ):
            return True
    except Exception:
        return False


def _fresh_postgres_schema() -> str:
    """A schema of its own, so the benchmark never touches other data in the database."""
    import psycopg

    schema = f"bench_{uuid7().replace('-', '')[:12]}"
    with psycopg.connect(
        "host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True
    ) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    return schema


def _drop_postgres_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(
        "host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True
    ) as c:
        c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def run() -> Iterator[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for metric, value in initial_and_incremental(root, 10_000, extra=False):
            yield metric, value, "s"
        for metric, value in initial_and_incremental(root, 100_000, extra=True):
            yield metric, value, "s" if metric.endswith("_s") else "ms"
        with server_process(root / "load-sqlite") as info:
            url, invite = info.split(" ", 1)
            rps, p95 = server_load(url, invite, "s")
        yield "server_rps_sqlite", rps, "req/s"
        yield "server_p95_ms_sqlite", p95, "ms"
        if _postgres_reachable():
            schema = _fresh_postgres_schema()
            try:
                pg_url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
                with server_process(root / "load-pg", pg_url, workers=2) as info:
                    url, invite = info.split(" ", 1)
                    rps, p95 = server_load(url, invite, "p")
            finally:
                _drop_postgres_schema(schema)
            yield "server_rps_postgres", rps, "req/s"
            yield "server_p95_ms_postgres", p95, "ms"
