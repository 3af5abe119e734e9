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
