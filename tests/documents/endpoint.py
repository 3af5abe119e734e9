"""Local embedding endpoints for the tests: a slow one (it answers when the test says so) and
one that fails with an error body echoing its input, as OpenAI-compatible servers do."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aidioma_desktop.documents.embed import HashingEmbedder


class Endpoint(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), handler)
        self.entered = threading.Event()  # a request has arrived
        self.release = threading.Event()  # the slow endpoint answers once this is set
        self.requests = 0

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server_address[1]}"


class JsonHandler(BaseHTTPRequestHandler):
    """Answers JSON, quietly (no request log on stderr)."""

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


class _Base(JsonHandler):
    server: Endpoint

    def _body(self) -> dict[str, Any]:
        self.server.requests += 1
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))


class SlowOllama(_Base):
    """Ollama's /api/embed that waits for `server.release` before it answers."""

    def do_POST(self) -> None:
        body = self._body()
        self.server.entered.set()
        self.server.release.wait()
        vectors = HashingEmbedder().passages(body["input"]).tolist()
        self._reply(200, {"model": body["model"], "embeddings": vectors})


class EchoingError(_Base):
    """A 400 whose body repeats the input, like many OpenAI-compatible servers."""

    def do_POST(self) -> None:
        body = self._body()
        self._reply(400, {"error": {"message": f"Invalid input: {body['input']!r}"}})


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> Iterator[Endpoint]:
    server = Endpoint(handler, host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()  # a request still waiting ends now
        server.shutdown()
        server.server_close()
