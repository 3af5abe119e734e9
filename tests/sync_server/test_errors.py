"""Every failure answers {"error": {"code", "message"}} with the protocol's status."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sync_server.protocol import ERROR_STATUS


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
