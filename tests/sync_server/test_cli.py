"""`aidioma-sync-server`: the invite code (shown, kept, rotated) and serving."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from sync_server.cli import main


def _invite(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["invite", *args]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_invite_is_kept_and_rotated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "server")
    code = _invite(capsys, "--data-dir", data)
    assert len(code) >= 12
    assert _invite(capsys, "--data-dir", data) == code
    rotated = _invite(capsys, "--data-dir", data, "--rotate")
    assert rotated != code
    assert _invite(capsys, "--data-dir", data) == rotated
    assert (tmp_path / "server" / "sync.sqlite3").exists()


def test_invite_on_a_database_url(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _invite(capsys, "--database-url", database_url)
    assert _invite(capsys, "--database-url", database_url) == code


def test_settings_come_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDIOMA_SYNC_DATA_DIR", str(tmp_path / "from-env"))
    _invite(capsys)
    assert (tmp_path / "from-env" / "sync.sqlite3").exists()


def test_a_misspelt_setting_in_the_environment_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDIOMA_SYNC_DATA_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("AIDIOMA_SYNC_TOKEN_DAY", "30")  # token_days meant
    assert main(["invite"]) == 0
    assert "ignoring AIDIOMA_SYNC_TOKEN_DAY: not a setting" in capsys.readouterr().err


def test_a_bad_setting_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--port", "99999", "invite"]) == 2
    assert "port" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_prints_the_invite_code_and_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, port = tmp_path / "server", _free_port()
    command = [sys.executable, "-m", "sync_server", "--data-dir", str(data), "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    try:
        printed = ""
        while "family invite code" not in printed:
            printed += lines.get(timeout=60)
        code = printed.split("family invite code:")[1].split()[0]
        deadline = time.monotonic() + 60
        while True:  # poll until the server answers
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert health.json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert _invite(capsys, "--data-dir", str(data)) == code


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it; it must give up by itself, well within the timeout."""
    return subprocess.run(
        [sys.executable, "-m", "sync_server", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def _assert_refused(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aidioma-sync-server: ")
    for text in expected:
        assert text in lines[0]
    assert "listening on" not in result.stdout


@pytest.mark.parametrize("command", [[], ["invite"]])
def test_problems_are_one_line_and_exit_status_2(tmp_path: Path, command: list[str]) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    ok = ["--data-dir", str(tmp_path / "data")]
    port = str(_free_port())  # nothing listens there
    cases: list[tuple[list[str], tuple[str, ...]]] = [
        (["--database-url", "nonsense"], ("database URL",)),
        (["--database-url", "foo://x/y"], ("foo://x/y", "unknown database")),
        (
            ["--database-url", f"postgresql+psycopg://ana:Pw-s3cret@127.0.0.1:{port}/db"],
            (f"postgresql+psycopg://ana:***@127.0.0.1:{port}/db",),
        ),
        (
            ["--database-url", f"mysql+pymysql://ana:Pw-s3cret@127.0.0.1:{port}/db"],
            (f"mysql+pymysql://ana:***@127.0.0.1:{port}/db",),
        ),
        (["--data-dir", str(a_file)], (str(a_file), "not a folder")),
        (["--data-dir", str(a_file / "sub")], (str(a_file / "sub"), "cannot be created")),
    ]
    for args, expected in cases:
        result = _run(*command, *args)
        _assert_refused(result, *expected)
        assert "Pw-s3cret" not in result.stderr + result.stdout

    _assert_refused(
        _run(*command, *ok, env={"AIDIOMA_SYNC_LOG_LEVEL": "loud"}), "AIDIOMA_SYNC_LOG_LEVEL"
    )


def test_serve_problems_are_one_line_and_exit_status_2(tmp_path: Path) -> None:
    ok = ["--data-dir", str(tmp_path / "data")]
    missing = str(tmp_path / "nonexist.pem")
    _assert_refused(
        _run(*ok, "--ssl-certfile", missing, "--ssl-keyfile", str(tmp_path / "nonexist.key")),
        missing,
        "no such file",
    )
    _assert_refused(_run(*ok, "--ssl-keyfile", "x"), "--ssl-certfile", "both")
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("not a certificate")
    _assert_refused(
        _run(*ok, "--ssl-certfile", str(not_pem), "--ssl-keyfile", str(not_pem)), str(not_pem)
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        _assert_refused(_run(*ok, "--port", str(port)), f"port {port} is in use")
