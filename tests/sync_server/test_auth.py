"""Register with the family invite code, log in, log out, token expiry, login rate limits."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .helpers import PASSWORD, Api, TestClock, bearer

AUTHED = [
    ("POST", "/v1/auth/logout"),
    ("GET", "/v1/account"),
    ("GET", "/v1/account/export"),
    ("DELETE", "/v1/account"),
    ("POST", "/v1/sync"),
]


def _register(api: Api, username: str, invite: str) -> tuple[int, dict]:
    answer = api.client.post(
        "/v1/auth/register",
        json={"username": username, "password": PASSWORD, "invite_code": invite},
    )
    return answer.status_code, answer.json()


def test_register_needs_the_family_invite_code(api: Api) -> None:
    status, body = _register(api, "ana", "WRONG-CODE")
    assert status == 403
    assert body["error"]["code"] == "forbidden"

    status, body = _register(api, "ana", api.invite_code)
    assert status == 201
    assert body["username"] == "ana"
    assert body["expires_at"].endswith("Z")
    assert api.client.get("/v1/account", headers=bearer(body["token"])).status_code == 200


def test_invite_code_may_be_typed_loosely(api: Api) -> None:
    typed = api.invite_code.lower().replace("-", " ")
    assert _register(api, "ana", typed)[0] == 201


def test_a_username_is_taken_once_whatever_its_case(api: Api) -> None:
    api.register("ana")
    status, body = _register(api, "Ana", api.invite_code)
    assert status == 409
    assert body["error"]["code"] == "conflict"


def test_login_with_the_right_password_only(api: Api) -> None:
    api.register("ana")
    good = api.login("ANA")  # usernames are not case-sensitive
    assert good.status_code == 200
    assert good.json()["username"] == "ana"
    assert api.client.get("/v1/account", headers=bearer(good.json()["token"])).status_code == 200

    wrong = api.login("ana", "not the password")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "unauthorized"
    nobody = api.login("nobody", PASSWORD)
    assert nobody.status_code == 401
    assert nobody.json() == wrong.json()  # no hint whether the name exists


def test_failed_logins_per_username_are_limited(api: Api, clock: TestClock) -> None:
    api.register("ana")
    for _ in range(5):
        assert api.login("ana", "wrong password").status_code == 401
    limited = api.login("ana", PASSWORD)  # even the right password waits now
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    retry_after = int(limited.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60

    clock.advance(retry_after - 2)
    assert api.login("ana", PASSWORD).status_code == 429
    clock.advance(2)
    assert api.login("ana", PASSWORD).status_code == 200
    # A success starts the count afresh.
    assert api.login("ana", "wrong password").status_code == 401
    assert api.login("ana", PASSWORD).status_code == 200


def test_failed_logins_per_address_are_limited(api: Api, clock: TestClock) -> None:
    api.register("ana")
    for n in range(20):  # many names from one address
        assert api.login(f"guess{n}", "wrong password").status_code == 401
    limited = api.login("ana", PASSWORD)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    clock.advance(15 * 60)
    assert api.login("ana", PASSWORD).status_code == 200


def test_wrong_invite_codes_are_limited_per_address(api: Api) -> None:
    for _ in range(20):
        assert _register(api, "ana", "WRONG")[0] == 403
    status, body = _register(api, "ana", api.invite_code)
    assert status == 429
    assert body["error"]["code"] == "rate_limited"


def test_a_token_expires(api: Api, clock: TestClock) -> None:
    token = api.register("ana")
    clock.advance(89 * 24 * 3600)
    assert api.client.get("/v1/account", headers=bearer(token)).status_code == 200
    clock.advance(1 * 24 * 3600)
    expired = api.client.get("/v1/account", headers=bearer(token))
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "unauthorized"
    assert expired.headers["WWW-Authenticate"] == "Bearer"


def test_logout_revokes_that_token_only(api: Api) -> None:
    first = api.register("ana")
    second = api.login("ana").json()["token"]
    assert api.client.post("/v1/auth/logout", headers=bearer(first)).status_code == 204
    assert api.client.get("/v1/account", headers=bearer(first)).status_code == 401
    assert api.sync(first, "laptop").status_code == 401
    assert api.client.get("/v1/account", headers=bearer(second)).status_code == 200


def test_every_authed_endpoint_wants_a_valid_token(client: TestClient, api: Api) -> None:
    api.register("ana")
    for method, path in AUTHED:
        for headers in (
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Bearer garbage"},
            {"Authorization": "Basic YW5hOnB3"},
            bearer("x" * 10_000),
        ):
            body = {"device_id": "laptop"} if path == "/v1/sync" else None
            answer = client.request(method, path, headers=headers, json=body)
            assert answer.status_code == 401, (method, path, headers)
            assert answer.json()["error"]["code"] == "unauthorized"
