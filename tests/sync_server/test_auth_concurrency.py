"""Login and register under a burst of concurrent requests, over real HTTP: the rate limit
holds however many attempts run at once, and password hashing takes turns (bounded memory)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher

from sync_server import crud
from sync_server.config import Settings
from tests.live_server import LiveServer

from .helpers import PASSWORD, TestClock, count_rows

BURST = 30
GUARD_S = 60.0  # only so that a broken server fails the test instead of hanging it


class GatedHasher(PasswordHasher):
    """The server's hasher, counting its work and holding each verification until `open()`,
    so a test sees how many requests got as far as checking a password, and can keep one there.
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            time_cost=settings.password_time_cost,
            memory_cost=settings.password_memory_kib,
            parallelism=settings.password_parallelism,
        )
        self.changed = threading.Condition()
        self.verifying = 0  # verifications started
        self.hashed = 0
        self._open = False

    def verify(self, hash: str | bytes, password: str | bytes) -> Any:
        with self.changed:
            self.verifying += 1
            self.changed.notify_all()
            if not self.changed.wait_for(lambda: self._open, timeout=GUARD_S):
                raise RuntimeError("the test never opened the gate")
        return super().verify(hash, password)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with self.changed:
            self.hashed += 1
        return super().hash(password, salt=salt)

    def open(self) -> None:
        with self.changed:
            self._open = True
            self.changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool]) -> None:
        with self.changed:
            assert self.changed.wait_for(predicate, timeout=GUARD_S), "the server got stuck"


@contextmanager
def _server(tmp_path: Path, database_url: str, **overrides: Any) -> Iterator[LiveServer]:
    with LiveServer(tmp_path / "live", database_url, **overrides) as server:
        try:
            yield server
        finally:
            server.app.state.engine.dispose()


def _gate(server: LiveServer) -> GatedHasher:
    context = server.app.state.context
    hasher = GatedHasher(context.settings)
    server.app.state.context = dataclasses.replace(context, hasher=hasher)
    return hasher


def _register(server: LiveServer, username: str, invite: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/auth/register",
        json={
            "username": username,
            "password": PASSWORD,
            "invite_code": server.invite_code if invite is None else invite,
        },
        timeout=GUARD_S,
    )


def _login(server: LiveServer, password: str, username: str = "ana") -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/auth/login",
        json={"username": username, "password": password},
        timeout=GUARD_S,
    )


def _assert_rate_limited(answer: httpx.Response) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.json() == {
        "error": {"code": "rate_limited", "message": answer.json()["error"]["message"]}
    }
    assert int(answer.headers["Retry-After"]) > 0


def _burst(
    send: Callable[[httpx.Client], httpx.Response],
    gate: GatedHasher | None,
    url: str,
    count: int = BURST,
) -> list[httpx.Response]:
    """`count` requests released at once by a barrier; with a gate, the verifications are held
    until every request is either verifying or answered, so they all overlap."""
    barrier = threading.Barrier(count, timeout=GUARD_S)
    answers: list[httpx.Response] = []
    errors: list[BaseException] = []
    lock = gate.changed if gate is not None else threading.Condition()

    def one() -> None:
        try:
            with httpx.Client(base_url=url, timeout=GUARD_S) as client:
                barrier.wait()
                answer = send(client)
            with lock:
                answers.append(answer)
                lock.notify_all()
        except BaseException as exc:
            with lock:
                errors.append(exc)
                lock.notify_all()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        if gate is not None:
            gate.wait_for(lambda: bool(errors) or gate.verifying + len(answers) == count)
    finally:
        if gate is not None:
            gate.open()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(answers) == count
    return answers


def test_concurrent_wrong_logins_check_at_most_the_limit(
    tmp_path: Path, database_url: str, clock: TestClock
) -> None:
    # Turns at hashing for everyone: here only the rate limit may hold the burst back.
    with _server(
        tmp_path, database_url, clock=clock, max_concurrent_password_checks=BURST
    ) as server:
        assert _register(server, "ana").status_code == 201
        limit = server.settings.login_max_failures_per_user
        gate = _gate(server)

        answers = _burst(
            lambda client: client.post(
                "/v1/auth/login", json={"username": "ana", "password": "wrong password"}
            ),
            gate,
            server.url,
        )

        wrong = [answer for answer in answers if answer.status_code == 401]
        assert gate.verifying == len(wrong) <= limit
        for answer in answers:
            if answer.status_code != 401:
                _assert_rate_limited(answer)
        # Every checked attempt counts, and no refused one does: exactly the limit is left.
        for _ in range(limit - len(wrong)):
            assert _login(server, "wrong password").status_code == 401
        _assert_rate_limited(_login(server, "wrong password"))
        assert count_rows(server.app, crud.failures, key="user:ana") == limit

        refused = _login(server, PASSWORD)  # the right password waits too: the limit holds
        _assert_rate_limited(refused)
        assert gate.verifying == limit

        clock.advance(server.settings.login_window_s)
        assert _login(server, PASSWORD).status_code == 200
        assert count_rows(server.app, crud.failures, key="user:ana") == 0


def test_concurrent_wrong_invite_codes_are_limited(
    tmp_path: Path, database_url: str, clock: TestClock
) -> None:
    limit = 5
    with _server(
        tmp_path, database_url, clock=clock, login_max_failures_per_address=limit
    ) as server:
        body = {"username": "ana", "password": PASSWORD, "invite_code": "WRONG-CODE"}
        answers = _burst(
            lambda client: client.post("/v1/auth/register", json=body), None, server.url
        )

        forbidden = [answer for answer in answers if answer.status_code == 403]
        assert len(forbidden) <= limit
        for answer in answers:
            if answer.status_code != 403:
                _assert_rate_limited(answer)
        for _ in range(limit - len(forbidden)):
            assert _register(server, "ana", "WRONG-CODE").status_code == 403
        _assert_rate_limited(_register(server, "ana"))  # even the right code waits now

        clock.advance(server.settings.login_window_s)
        assert _register(server, "ana").status_code == 201
        # The success forgot its own record; the old failures were dropped as out of the window.
        assert count_rows(server.app, crud.failures) == 0


def test_password_hashing_takes_turns(tmp_path: Path, database_url: str) -> None:
    with _server(
        tmp_path, database_url, max_concurrent_password_checks=1, password_check_wait_s=0.05
    ) as server:
        assert _register(server, "ana").status_code == 201
        gate = _gate(server)
        first: list[httpx.Response] = []
        holder = threading.Thread(target=lambda: first.append(_login(server, PASSWORD)))
        holder.start()
        try:
            gate.wait_for(lambda: gate.verifying == 1)  # the only turn is taken, and kept

            # Nobody else hashes meanwhile: they are told to come back, and nothing counts.
            _assert_rate_limited(_login(server, PASSWORD))
            _assert_rate_limited(_login(server, "wrong password"))
            _assert_rate_limited(_login(server, PASSWORD, username="nobody"))
            _assert_rate_limited(_register(server, "bo"))
            assert (gate.verifying, gate.hashed) == (1, 0)
            assert count_rows(server.app, crud.users, username_key="bo") == 0
        finally:
            gate.open()
            holder.join()

        assert first[0].status_code == 200, first[0].text
        assert count_rows(server.app, crud.failures) == 0  # the refused attempts left no trace
        assert _register(server, "bo").status_code == 201
        assert _login(server, PASSWORD).status_code == 200


def test_concurrent_right_logins_are_never_told_of_failures_that_did_not_happen(
    tmp_path: Path, database_url: str, clock: TestClock
) -> None:
    # Turns at hashing are long enough for all: here only the rate limit could refuse anyone.
    with _server(tmp_path, database_url, clock=clock, password_check_wait_s=GUARD_S) as server:
        assert _register(server, "ana").status_code == 201
        limit = server.settings.login_max_failures_per_user
        for _ in range(limit - 2):  # two failures short of the limit
            assert _login(server, "wrong password").status_code == 401

        answers = _burst(
            lambda client: client.post(
                "/v1/auth/login", json={"username": "ana", "password": PASSWORD}
            ),
            None,
            server.url,
            count=40,
        )

        # At most the room left gets to the check at once; the others are told to retry in a
        # second, never that they failed too often.
        assert 200 in [answer.status_code for answer in answers]
        for answer in answers:
            if answer.status_code != 200:
                _assert_rate_limited(answer)
                assert "busy checking other sign-ins" in answer.json()["error"]["message"]
                assert answer.headers["Retry-After"] == "1"
        assert count_rows(server.app, crud.failures, key="user:ana") == 0  # a success cleared
        assert _login(server, PASSWORD).status_code == 200  # retried, it gets in
        # Real failures still count, and past the limit even the right password waits.
        for _ in range(limit):
            assert _login(server, "wrong password").status_code == 401
        for password in ("wrong password", PASSWORD):
            refused = _login(server, password)
            _assert_rate_limited(refused)
            assert refused.json()["error"]["message"].startswith("too many failed attempts")
            assert int(refused.headers["Retry-After"]) > 60
