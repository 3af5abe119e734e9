"""The session's vectors: an in-memory (ephemeral) Chroma client, closed at logout.

Chroma's `delete_collection` leaves files behind for a persistent client (segment folders, the
text in chroma.sqlite3). An ephemeral client writes nothing to disk at all (the tests scan the
data, cache and temp folders to prove it), and closing it frees its in-memory database. Chroma
is never given an embedding function: vectors come from `embed.py`, so Chroma's default one
(which downloads a model) can never run.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import Cancelled
from .text import Chunk

if TYPE_CHECKING:
    import numpy as np

# numpy (like chromadb) is imported on first use, off the app's startup path.


@dataclass(frozen=True, slots=True)
class Hit:
    doc_id: str
    filename: str
    chunk: int
    start: int
    end: int
    text: str
    score: float  # cosine similarity, 1 = the same direction


def _client() -> Any:
    import chromadb
    from chromadb.config import Settings

    # Every ephemeral client in a process shares one Chroma "system", whose settings must match.
    return chromadb.EphemeralClient(
        settings=Settings(anonymized_telemetry=False, allow_reset=False)
    )


class SessionIndex:
    """One session's collections (one per embedding model), created on first use."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        # Every use of the client holds it, so a wipe never runs during an add, and nothing
        # is added after a wipe (a job that was waiting for a slow model finds it closed).
        self._lock = threading.RLock()
        self.closed = False

    def _collection(self, key: str) -> Any:
        with self._lock:
            if self.closed:
                raise Cancelled()  # the session ended
            if self._client is None:
                self._client = _client()
            if key not in self._collections:
                digest = hashlib.sha1(key.encode()).hexdigest()[:10]
                self._collections[key] = self._client.get_or_create_collection(
                    f"session-{self.session_id}-{digest}",
                    embedding_function=None,  # never Chroma's default (it downloads a model)
                    configuration={"hnsw": {"space": "cosine"}},
                )
            return self._collections[key]

    def add(
        self, key: str, doc_id: str, filename: str, chunks: list[Chunk], vectors: np.ndarray
    ) -> None:
        if not chunks:
            return
        import numpy as np

        with self._lock:
            self._collection(key).add(
                ids=[f"{doc_id}:{c.index}" for c in chunks],
                embeddings=np.asarray(vectors, dtype=np.float32),
                documents=[c.text for c in chunks],
                metadatas=[
                    {"doc_id": doc_id, "filename": filename, "chunk": c.index, "start": c.start,
                     "end": c.end}
                    for c in chunks
                ],
            )  # fmt: skip

    def count(self, key: str) -> int:
        with self._lock:
            if key not in self._collections:
                return 0
            return int(self._collection(key).count())

    def search(
        self, key: str, vector: np.ndarray, limit: int = 5, doc_id: str | None = None
    ) -> list[Hit]:
        import numpy as np

        with self._lock:
            if key not in self._collections:
                return []
            collection = self._collection(key)
            total = collection.count()
            if not total:
                return []
            result = collection.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=min(limit, total),
                where={"doc_id": doc_id} if doc_id else None,
                include=["documents", "metadatas", "distances"],
            )
        hits = []
        for text, meta, distance in zip(
            result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        ):
            hits.append(
                Hit(
                    doc_id=str(meta["doc_id"]),
                    filename=str(meta["filename"]),
                    chunk=int(meta["chunk"]),
                    start=int(meta["start"]),
                    end=int(meta["end"]),
                    text=text,
                    score=round(1.0 - float(distance), 4),
                )
            )
        return hits

    def remove_document(self, doc_id: str) -> None:
        with self._lock:
            for key in list(self._collections):
                self._collection(key).delete(where={"doc_id": doc_id})

    def drop(self, key: str) -> None:
        """Forget one model's vectors (the person chose another model)."""
        with self._lock:
            collection = self._collections.pop(key, None)
            if collection is not None and self._client is not None:
                self._client.delete_collection(collection.name)

    def wipe(self) -> None:
        """Delete every collection of the session and close the client (frees its memory)."""
        with self._lock:
            self.closed = True
            client, self._client = self._client, None
            collections, self._collections = self._collections, {}
            if client is None:
                return
            for collection in collections.values():
                with contextlib.suppress(Exception):  # already gone: the wipe must go on
                    client.delete_collection(collection.name)
            client.close()
