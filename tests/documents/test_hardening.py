"""What the documents feature must never do: store text the learner did not see, send it in
the clear, block a logout, copy endless files, or bring back a removed document."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from aidioma_desktop.documents.errors import DocumentError
from aidioma_desktop.documents.pipeline import stage_copy
from aidioma_desktop.documents.text import normalise, paragraphs
from aidioma_desktop.services.library import EmbeddingConfig, LibraryService
from aidioma_desktop.services.library_session import _sessions
from aidioma_desktop.services.session import Learner, SessionService
from aidioma_desktop.store.paths import AppPaths

from .endpoint import EchoingError, SlowOllama, serve
from .test_library import MARKER, RECIPE, add_and_wait, scan, write

SECRET = RECIPE + f"\n\nEl código de la caja fuerte es {MARKER}, no se lo digas a nadie."


@pytest.fixture
def lib(learner: Learner, paths: AppPaths) -> LibraryService:
    return LibraryService(learner, paths)


def _ingest_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("aidioma-ingest")}


def test_an_endpoint_error_body_is_never_stored(
    learner: Learner, paths: AppPaths, tmp_path: Path
) -> None:
    with serve(EchoingError) as endpoint:
        lib = LibraryService(learner, paths, EmbeddingConfig("openai", endpoint.url(), "m"))
        doc = add_and_wait(lib, write(tmp_path, "diario.txt", f"Mi clave es {MARKER}. " + RECIPE))
    assert endpoint.requests >= 1
    assert doc.status == "failed" and "answered 400" in (doc.error or ""), doc.error
    assert MARKER not in (doc.error or "") and "Atocha" not in (doc.error or "")
    assert scan(paths.data) == []  # the profile database and its WAL included


def test_plain_http_to_another_computer_needs_the_insecure_tick(
    learner: Learner, paths: AppPaths, tmp_path: Path
) -> None:
    far = EmbeddingConfig("ollama", "http://192.0.2.10:11434", "nomic-embed-text")
    lib = LibraryService(learner, paths, far)
    with pytest.raises(DocumentError, match=r"plain http.*Allow insecure connection"):
        lib.embedder_name()  # refused before anything is sent
    doc = add_and_wait(lib, write(tmp_path, "receta.txt", RECIPE))
    assert doc.status == "failed" and "plain http" in (doc.error or "")
    with pytest.raises(DocumentError, match="not an address"):
        LibraryService(learner, paths, EmbeddingConfig("ollama", "ftp://x", "m")).embedder_name()
    https = LibraryService(learner, paths, EmbeddingConfig("openai", "embed.example.org", "m"))
    assert "https://embed.example.org" in https.embedder_name()[0]  # normalised, allowed


@pytest.mark.skipif(sys.platform == "win32", reason="connecting to 0.0.0.0 reaches this host")
def test_plain_http_is_allowed_when_ticked(
    learner: Learner, paths: AppPaths, tmp_path: Path
) -> None:
    with serve(SlowOllama, "0.0.0.0") as endpoint:
        endpoint.release.set()  # answers at once
        url = endpoint.url("0.0.0.0")  # not a loopback address by its name
        refused = LibraryService(learner, paths, EmbeddingConfig("ollama", url, "m"))
        with pytest.raises(DocumentError, match="plain http"):
            refused.embedder_name()
        lib = LibraryService(learner, paths, EmbeddingConfig("ollama", url, "m", insecure=True))
        doc = add_and_wait(lib, write(tmp_path, "receta.txt", RECIPE))
    assert doc.status == "ready", doc.error
    assert endpoint.requests >= 1


def test_logout_does_not_wait_for_a_slow_reembedding(
    service: SessionService, learner: Learner, paths: AppPaths, tmp_path: Path
) -> None:
    before = _ingest_threads()
    with serve(SlowOllama) as endpoint:
        lib = LibraryService(learner, paths, EmbeddingConfig("hashing"))
        assert add_and_wait(lib, write(tmp_path, "diario.txt", SECRET)).status == "ready"
        session_id = learner.session_id
        lib.set_embedding(EmbeddingConfig("ollama", endpoint.url(), "m"))
        assert endpoint.entered.wait(30), "the re-embedding should have reached the endpoint"

        done = threading.Event()
        threading.Thread(target=lambda: (service.logout(learner), done.set()), daemon=True).start()
        assert done.wait(30), "logout waited for the embedding service"
        assert not endpoint.release.is_set()  # the service never answered before logout ended
        assert session_id not in _sessions and not (paths.sessions / session_id).exists()
        assert scan(paths.data, paths.cache) == []
        endpoint.release.set()  # now the late answer arrives: it must be dropped
        for thread in _ingest_threads() - before:
            thread.join(60)
            assert not thread.is_alive()
    assert scan(paths.data, paths.cache) == []
    again = service.login("Ana")
    try:
        (row,) = LibraryService(again, paths).documents()
        assert row.status == "expired"
    finally:
        service.logout(again)


def test_a_document_removed_while_processing_never_comes_back(
    learner: Learner, paths: AppPaths, tmp_path: Path
) -> None:
    with serve(SlowOllama) as endpoint:
        lib = LibraryService(learner, paths, EmbeddingConfig("ollama", endpoint.url(), "m"))
        info = lib.add(write(tmp_path, "receta.txt", RECIPE))
        assert endpoint.entered.wait(30)
        lib.remove(info.id)  # while its only batch is being embedded
        endpoint.release.set()  # the batch comes back and would be added
        lib.wait_idle()
        assert lib.documents() == []
        assert lib.search("estación de Atocha") == []
    assert list(paths.sessions.rglob("*.*")) == []
    other = add_and_wait(lib, write(tmp_path, "otra.txt", "Hola, buenos días a todos."))
    assert [d.id for d in lib.documents()] == [other.id]


@pytest.mark.skipif(sys.platform == "win32", reason="no /dev/zero, no FIFOs")
def test_devices_pipes_and_growing_files_are_refused(
    lib: LibraryService, paths: AppPaths, tmp_path: Path
) -> None:
    zero = tmp_path / "cero.txt"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "tubo.txt"
    os.mkfifo(fifo)
    for path in (zero, fifo):
        refused = lib.add(path)
        assert refused.status == "failed", refused
        assert "not a regular file" in (refused.error or "") and path.name in (refused.error or "")
    # Chosen when it was still small, it grew (or became a device) before it was copied.
    folder = paths.sessions / "copy-test"
    big = tmp_path / "crece.txt"
    big.write_bytes(b"hola " * 1000)
    with pytest.raises(DocumentError, match="too large"):
        stage_copy(big, folder, "d1", limit=1000)
    with pytest.raises(DocumentError, match="not a regular file"):
        stage_copy(zero, folder, "d2")
    with pytest.raises(DocumentError, match="not a regular file"):
        stage_copy(fifo, folder, "d3")  # does not wait for a writer
    assert list(folder.iterdir()) == []
    assert stage_copy(big, folder, "d4", limit=5000).stat().st_size == 5000  # exactly the limit
    assert add_and_wait(lib, write(tmp_path, "bien.txt", RECIPE)).status == "ready"


def test_unicode_paragraph_and_line_separators_are_normalised() -> None:
    raw = "Uno dos\u2029tres cuatro.\u2028cinco\u0085seis\x0bsiete\x0cocho."
    text = normalise(raw)
    assert text == "Uno dos\n\ntres cuatro. cinco seis siete\n\nocho."
    assert [p.text for p in paragraphs(text)] == ["Uno dos", "tres cuatro. cinco seis siete",
                                                  "ocho."]  # fmt: skip
