"""The library service end to end: real profile files, real Chroma, real files, real threads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from aidioma_desktop.services.export import export_profile
from aidioma_desktop.services.library import DocumentInfo, LibraryService
from aidioma_desktop.services.library_session import _sessions
from aidioma_desktop.services.session import Learner, SessionService
from aidioma_desktop.store.paths import AppPaths

from .files import make_docx, make_encrypted_pdf, make_epub, make_pdf

MARKER = "QZX-marcador-7731-único"
RECIPE = (
    "Receta de la abuela.\n\n"
    "Para la tortilla de patatas, pela cuatro patatas y córtalas en láminas finas. "
    "Fríelas a fuego lento en abundante aceite de oliva con una cebolla picada.\n\n"
    "Bate seis huevos en un cuenco grande, añade sal y mezcla las patatas escurridas. "
    "Cuaja la tortilla por los dos lados; tarda unos diez minutos en total.\n\n"
    "El tren a Sevilla sale de la estación de Atocha a las ocho de la mañana."
)


def scan(*folders: Path, marker: str = MARKER) -> list[Path]:
    """Every file under the folders whose bytes hold the marker (as UTF-8)."""
    needle = marker.encode("utf-8")
    hits = []
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                path = Path(root) / name
                try:
                    if needle in path.read_bytes():
                        hits.append(path)
                except OSError:
                    pass
    return hits


@pytest.fixture
def lib(learner: Learner, paths: AppPaths) -> LibraryService:
    return LibraryService(learner, paths)


def add_and_wait(lib: LibraryService, path: Path) -> DocumentInfo:
    info = lib.add(path)
    lib.wait_idle()
    return lib.info(info.id)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_type_is_read_searched_and_its_copy_deleted(
    lib: LibraryService, paths: AppPaths, tmp_path: Path
) -> None:
    files = [
        write(tmp_path, "receta.txt", RECIPE),
        write(tmp_path, "nota.md", "# Mi semana\n\nEl **lunes** voy al médico por la tos."),
        write(tmp_path, "web.html", "<p>La biblioteca abre los sábados por la mañana.</p>"),
        make_pdf(tmp_path / "cole.pdf", [["Los alumnos estudian la fotosíntesis de las plantas."]]),
        make_docx(tmp_path / "carta.docx", ["Querida Marta: te escribo desde la playa."]),
        make_epub(tmp_path / "cuento.epub", ["Había una vez un dragón que odiaba el fuego."]),
    ]
    updates: list[DocumentInfo] = []
    for path in files:
        lib.add(path, updates.append)
    lib.wait_idle()
    docs = {d.filename: d for d in lib.documents()}
    assert {d.status for d in docs.values()} == {"ready"}, [d.error for d in docs.values()]
    recipe = docs["receta.txt"]
    assert (recipe.words, recipe.language, recipe.level) == (73, "es", "intermediate")
    assert recipe.size_bytes == len(RECIPE.encode()) and recipe.learnable
    assert [u.status for u in updates if u.id == docs["receta.txt"].id][-1] == "ready"
    assert any(u.status == "processing" and 0 < u.fraction < 1 for u in updates)
    assert list(paths.sessions.rglob("*.*")) == []  # every copy is gone already
    for query, filename in (
        ("how long does the omelette take to cook", "receta.txt"),
        ("photosynthesis at school", "cole.pdf"),
        ("a letter from the beach", "carta.docx"),
        ("a dragon that hated fire", "cuento.epub"),
        ("when is the library open", "web.html"),
        ("doctor's appointment for a cough", "nota.md"),
    ):
        assert lib.search(query, 1)[0].filename == filename, query
    top = lib.search("¿a qué hora sale el tren?", 1)[0]
    assert "Atocha" in top.text and RECIPE[top.start : top.end] == top.text


@pytest.mark.filterwarnings("ignore:legacy embedding function config:DeprecationWarning")
def test_chroma_never_gets_an_embedding_function(lib: LibraryService, tmp_path: Path) -> None:
    add_and_wait(lib, write(tmp_path, "a.txt", RECIPE))
    state = _sessions[lib.learner.session_id]
    (collection,) = state.index._collections.values()
    assert collection._embedding_function is None
    with pytest.raises(ValueError, match="embedding function"):
        collection.query(query_texts=["hola"])  # Chroma cannot embed: nothing downloads


def test_cancel_stops_between_chunks_and_leaves_nothing(
    lib: LibraryService, paths: AppPaths, tmp_path: Path
) -> None:
    long_text = "\n\n".join(f"Párrafo {n}. " + RECIPE for n in range(200))
    path = write(tmp_path, "largo.txt", long_text)
    seen: list[DocumentInfo] = []

    def on_update(info: DocumentInfo) -> None:
        seen.append(info)
        if info.status == "processing" and info.fraction > 0.3:
            lib.cancel(info.id)  # as the Cancel button does, from another thread

    info = lib.add(path, on_update)
    lib.wait_idle()
    final = lib.info(info.id)
    assert final.status == "cancelled" and "Cancelled" in (final.error or "")
    assert max(s.fraction for s in seen) < 0.9
    state = _sessions[lib.learner.session_id]
    assert state.index.count(lib.embedder.key) == 0
    assert list(paths.sessions.rglob("*.*")) == []
    assert lib.search("tortilla") == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("virus.exe", b"MZ\x90\x00", "not supported"),
        ("vacio.txt", b"   \n\n  ", "no text in it"),
        ("foto.txt", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 8, "not text"),
        ("roto.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj <<>> trailer garbage", "damaged"),
        ("roto.docx", b"PK\x03\x04garbage", "damaged"),
        ("numeros.txt", "1234 5678 — 90 %".encode(), "no text in it"),
    ],
)
def test_bad_files_fail_clearly_and_leave_nothing(
    lib: LibraryService, paths: AppPaths, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    bad = add_and_wait(lib, path)
    assert bad.status == "failed" and reason in (bad.error or ""), bad.error
    assert name in (bad.error or "")
    assert list(paths.sessions.rglob("*.*")) == []
    good = add_and_wait(lib, write(tmp_path, "bien.txt", RECIPE))  # the library still works
    assert good.status == "ready"


def test_encrypted_big_and_latin1_files(
    lib: LibraryService, paths: AppPaths, tmp_path: Path
) -> None:
    locked = make_encrypted_pdf(tmp_path / "examen.pdf", make_pdf(tmp_path / "p.pdf", [["Hola."]]))
    assert "password" in (add_and_wait(lib, locked).error or "")
    big = tmp_path / "enorme.txt"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: refused by its size, never read
    refused = lib.add(big)
    assert refused.status == "failed" and "200 MB" in (refused.error or "")
    latin = tmp_path / "viejo.txt"
    latin.write_bytes("El niño comió piñones en el año 1999. ¡Qué rico!".encode("latin-1"))
    doc = add_and_wait(lib, latin)
    assert doc.status == "ready" and "niño" in lib.reading(doc.id).paragraphs[0]
    assert list(paths.sessions.rglob("*.*")) == []


def test_reading_words_cards_and_translations(
    lib: LibraryService, learner: Learner, tmp_path: Path
) -> None:
    doc = add_and_wait(lib, write(tmp_path, "receta.txt", RECIPE))
    reading = lib.reading(doc.id)
    assert reading.paragraphs[0] == "Receta de la abuela."
    para = reading.paragraphs[1]
    word = lib.word_at(doc.id, 1, para.index("patatas") + 2)
    assert word is not None
    assert (word.word, word.lemma, word.band) == ("patatas", "patata", "listed")
    assert word.in_document == 3 and word.sentence.startswith("Para la tortilla")
    assert lib.word_at(doc.id, 1, para.index(", ") + 1) is None  # between words

    items = lib.practice_items(doc.id)
    assert [i.difficulty for i in items] == sorted(i.difficulty for i in items)
    assert items[0].es in RECIPE and items[-1].difficulty > items[0].difficulty

    events = lib.save_translation(items[0], "Grandma's recipe.", 12_000)
    assert [e.kind for e in events] == ["reading.translated", "reading.logged"]
    assert events[0].payload["answer"] == "Grandma's recipe."
    card = lib.add_card(word.lemma, "potato", doc.id, note=word.sentence)
    item = learner.db.content(card.payload["content_id"])
    assert item is not None and (item.es, item.en, item.origin) == ("patata", "potato", "added")
    assert item.data["source"] == "receta.txt"
    with pytest.raises(Exception, match="needs both sides"):
        lib.add_card("patata", "  ")
    days = learner.db.day_stats()
    assert days[-1].readings == 1
    learner.db.rebuild_projections()  # the new kind leaves the projections as a rebuild has them
    assert learner.db.day_stats() == days


def test_switching_the_embedding_model_reembeds_the_session(
    lib: LibraryService, tmp_path: Path
) -> None:
    from aidioma_desktop.services.library import EmbeddingConfig

    add_and_wait(lib, write(tmp_path, "receta.txt", RECIPE))
    lib.set_embedding(EmbeddingConfig("hashing"))
    lib.wait_idle()
    assert lib.embedder.weak
    assert "Atocha" in lib.search("estación de Atocha", 1)[0].text


def test_logout_wipes_everything_but_metadata(
    service: SessionService,
    learner: Learner,
    paths: AppPaths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # Chroma's default persistent folder would be ./chroma
    source = tmp_path / "private" / "diario.txt"
    source.parent.mkdir()
    # A password on the document's first line: once kept as its description.
    source.write_text(f"Mi contraseña secreta es {MARKER}.\n\n" + RECIPE, encoding="utf-8")
    lib = LibraryService(learner, paths)
    doc = add_and_wait(lib, source)
    assert doc.status == "ready"
    assert MARKER in lib.search("secret password", 1)[0].text
    folders = (paths.data, paths.cache, paths.sessions, temp, cwd)
    assert scan(*folders) == []  # even during the session nothing of it is on disk
    session_id = learner.session_id
    service.logout(learner)
    assert scan(*folders) == []
    assert session_id not in _sessions and not (paths.sessions / session_id).exists()
    again = service.login("Ana")
    try:
        (row,) = LibraryService(again, paths).documents()
        assert (row.filename, row.status, row.loaded) == ("diario.txt", "expired", False)
        assert (row.words, row.language) == (79, "es")  # what is kept is not its text
        with pytest.raises(Exception, match="not available any more"):
            LibraryService(again, paths).reading(row.id)
        with (cwd / "export.json").open("w", encoding="utf-8") as out:
            export_profile(again, out)
        assert scan(*folders) == []  # the export holds nothing of it either
        assert '"filename": "diario.txt"' in (cwd / "export.json").read_text(encoding="utf-8")
    finally:
        service.logout(again)
    assert scan(source.parent) == [source]  # the scan does find the marker where it is


KILLED_SCRIPT = """
import sys, time
from pathlib import Path
from aidioma_desktop.documents.pipeline import stage_copy
from aidioma_desktop.services.library import LibraryService
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.store.paths import AppPaths

paths = AppPaths.resolve(sys.argv[1])
service = SessionService(paths)
learner = service.login("Ana")
library = LibraryService(learner, paths)
library.add(Path(sys.argv[2]))
library.wait_idle()
assert library.documents()[0].status == "ready", library.documents()
# A second document is being copied in when the process dies.
stage_copy(Path(sys.argv[2]), paths.sessions / learner.session_id, "second")
print("ingested", flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_session_is_cleaned_up_at_the_next_start(
    service: SessionService, paths: AppPaths, tmp_path: Path
) -> None:
    service.create_profile("Ana")
    temp, home = tmp_path / "tmp", tmp_path / "home"
    temp.mkdir()
    home.mkdir()
    source = tmp_path / "diario.txt"
    source.write_text(f"Hoy fue un buen día. El código es {MARKER}.", encoding="utf-8")
    env = {**os.environ, "TMPDIR": str(temp), "HOME": str(home)}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_SCRIPT, str(paths.data), str(source)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=home,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.strip() == "ingested", line
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    folders = (paths.data, paths.cache, temp, home)
    assert scan(*folders), "the leftover copy should be there before the restart"

    SessionService(paths, service.clock, service.library)  # the next start
    assert scan(*folders) == []
    assert list(paths.sessions.iterdir()) == []
    learner = service.login("Ana")
    try:
        (row,) = LibraryService(learner, paths).documents()
        assert row.status == "expired"
    finally:
        service.logout(learner)


def test_a_live_session_folder_of_another_window_is_left_alone(
    lib: LibraryService, paths: AppPaths, tmp_path: Path
) -> None:
    from aidioma_desktop.services.library_session import clean_up_folders

    add_and_wait(lib, write(tmp_path, "a.txt", RECIPE))
    folder = paths.sessions / lib.learner.session_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "in-use.txt").write_text("x")
    done = threading.Event()
    removed: list[str] = []

    def other_window() -> None:
        removed.extend(clean_up_folders(paths))
        done.set()

    threading.Thread(target=other_window).start()
    done.wait(10)
    # in this process the session is known; its lock also keeps other processes out
    assert removed == [] and (folder / "in-use.txt").exists()
