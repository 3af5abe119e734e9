"""A real sync server on 127.0.0.1 for tests: uvicorn in a background thread, real HTTP.

    with LiveServer(tmp_path) as server:             # fresh SQLite file in tmp_path
        httpx.get(f"{server.url}/v1/health")
        server.invite_code                           # for register
        server.restart()                             # same database, same port
    LiveServer(tmp_path, database_url="postgresql+psycopg://...", token_days=1, clock=clock)
    LiveServer(tmp_path, ssl_certfile=cert, ssl_keyfile=key)   # https://127.0.0.1:port

Keyword arguments other than database_url and clock override Settings fields.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from sync_server.api.deps import Clock
from sync_server.app import create_app, ensure_invite_code
from sync_server.config import Settings

# Cheap password hashing: tests register and log in often. Override to test the real cost.
FAST_PASSWORDS = {"password_time_cost": 1, "password_memory_kib": 8, "password_parallelism": 1}
START_TIMEOUT_S = 30.0


class LiveServer:
    def __init__(
        self,
        data_dir: str | Path,
        database_url: str = "",
        *,
        clock: Clock | None = None,
        start: bool = True,
        **overrides: Any,
    ) -> None:
        values: dict[str, Any] = {**FAST_PASSWORDS, "log_level": "warning", **overrides}
        self.settings = Settings(data_dir=Path(data_dir), database_url=database_url, **values)
        self.clock = clock
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app: Any = None
        if start:
            self.start()

    @property
    def url(self) -> str:
        scheme = "https" if self.settings.ssl_certfile else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def invite_code(self) -> str:
        return ensure_invite_code(self.app.state.context.sessions)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("already running")
        self.app = create_app(self.settings, clock=self.clock)
        sock = _listening_socket(self.port)  # port 0 the first time: any free port
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level=self.settings.log_level,
            lifespan="on",
            timeout_graceful_shutdown=5,
            ssl_certfile=self.settings.ssl_certfile,
            ssl_keyfile=self.settings.ssl_keyfile,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="live-sync-server", daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        self._wait_until_up(sock)

    def _wait_until_up(self, sock: socket.socket) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        # Up is all this asks: whether its certificate is trusted is the tests' business.
        with httpx.Client(timeout=2.0, verify=False) as client:
            while True:
                assert self._thread is not None
                if not self._thread.is_alive():
                    sock.close()
                    raise RuntimeError("the sync server stopped while starting")
                try:
                    if client.get(f"{self.url}/v1/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the sync server did not answer /v1/health")
                time.sleep(0.01)  # polling interval, not a wait for anything to happen

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=30)
        if self._thread.is_alive():
            raise RuntimeError("the sync server did not stop")
        self._server = self._thread = None

    def restart(self) -> None:
        """Stop and start again on the same database and port (a server restart mid-sync)."""
        self.stop()
        self.start()

    def __enter__(self) -> LiveServer:
        if self._thread is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _listening_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
