"""Every failure answers {"error": {"code", "message"}} with the protocol's status."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from aidioma_protocol.wire import ERROR_STATUS


def _error(answer) -> dict:  # type: ignore[no-untyped-def]
    body = answer.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert ERROR_STATUS[body["error"]["code"]] == answer.status_code
    return body["error"]  # type: ignore[no-any-return]


def test_unknown_routes_and_methods(client: TestClient) -> None:
    assert client.get("/v1/nothing-here").status_code == 404
    assert _error(client.get("/v1/nothing-here"))["code"] == "not_found"
    answer = client.put("/v1/sync", json={})
    assert answer.status_code == 405
    assert _error(answer)["code"] == "method_not_allowed"


def test_schema_errors_name_the_field(client: TestClient) -> None:
    answer = client.post("/v1/auth/register", json={"username": "a", "password": "x"})
    assert answer.status_code == 422
    message = _error(answer)["message"]
    assert message.startswith("username:")
    assert "more" in message  # password and invite_code are wrong too

    answer = client.post("/v1/auth/login", json=[1, 2])
    assert answer.status_code == 422
    assert _error(answer)["message"].startswith("body:")


def test_malformed_json_is_a_bad_request(client: TestClient) -> None:
    answer = client.post(
        "/v1/auth/login", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert _error(answer)["code"] == "bad_request"


def test_an_unexpected_failure_is_500_without_a_traceback(app: FastAPI) -> None:
    def explode() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.add_api_route("/v1/explode", explode)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/v1/explode")
    assert answer.status_code == 500
    error = _error(answer)
    assert error["code"] == "server_error"
    assert "secret" not in answer.text
    assert "Traceback" not in answer.text


def test_health_and_openapi(client: TestClient) -> None:
    health = client.get("/v1/health").json()
    assert health["status"] == "ok"
    assert health["protocol"] == 1
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/sync", "/v1/auth/register", "/v1/account", "/v1/health"} <= set(paths)
    assert client.get("/docs").status_code == 200


def test_secrets_are_never_echoed_in_messages(client: TestClient) -> None:
    too_long = "S3cret" + "x" * 300
    cases = [
        ({"username": "zed", "password": "hunter2", "invite_code": "x"}, "hunter2"),
        ({"username": "zed", "password": too_long, "invite_code": "x"}, "S3cret"),
        ({"username": "zed", "password": "long enough", "invite_code": too_long}, "S3cret"),
    ]
    for body, secret in cases:
        answer = client.post("/v1/auth/register", json=body)
        assert answer.status_code == 422
        message = _error(answer)["message"]
        assert secret not in message
        assert message.split(":")[0] in ("password", "invite_code")
        assert "characters" in message  # says what is wrong, without the value
    assert _error(client.post("/v1/auth/register", json=cases[0][0]))["message"] == (
        "password: must be at least 8 characters"
    )


def test_a_body_is_json_whatever_its_content_type_and_never_echoed(client: TestClient) -> None:
    raw = b'{"username": "zed", "password": "MySecretPw"}'
    for content_type in ("application/x-www-form-urlencoded", "text/plain", None):
        headers = {"Content-Type": content_type} if content_type else {}
        answer = client.post("/v1/auth/login", content=raw, headers=headers)
        assert answer.status_code == 401, answer.text  # read as JSON: a wrong login
    form = client.post(
        "/v1/auth/login",
        content=b"username=zed&password=MySecretPw",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400
    assert "MySecretPw" not in form.text
    not_an_object = client.post("/v1/auth/login", json=["zed", "MySecretPw"])
    assert not_an_object.status_code == 422
    assert "MySecretPw" not in not_an_object.text


def test_the_username_rule_is_said_in_words(client: TestClient) -> None:
    answer = client.post("/v1/auth/login", json={"username": "z d", "password": "whatever"})
    assert answer.status_code == 422
    message = _error(answer)["message"]
    assert message == "username: must be only letters, digits, '.', '_' or '-', got 'z d'"


def test_a_trailing_slash_is_not_an_endpoint(client: TestClient) -> None:
    for method, path in (("GET", "/v1/account/"), ("POST", "/v1/sync/"), ("GET", "/v1/health/")):
        answer = client.request(method, path, follow_redirects=False)
        assert answer.status_code == 404
        assert _error(answer) == {"code": "not_found", "message": "no such endpoint"}


def test_health_answers_head_for_uptime_monitors(client: TestClient) -> None:
    answer = client.head("/v1/health")
    assert answer.status_code == 200
    assert answer.content == b""
