"""The log a person can send: rotating files of 1 MB at most, uncaught errors in it and in a
dialog with details to copy, and never a person's answers, documents, conversation turns,
keys or passwords (a marker written through every path is not in the log folder)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler, qWarning
from PySide6.QtGui import QGuiApplication

from aidioma_desktop import logs
from aidioma_desktop.ai.base import ProviderError
from aidioma_desktop.ai.providers import make_provider
from aidioma_desktop.domain.errors import AppError
from aidioma_desktop.services import ai_settings
from aidioma_desktop.services.ai_settings import AiSettings
from aidioma_desktop.services.library import LibraryService
from aidioma_desktop.services.practice import PracticeService
from aidioma_desktop.services.session import LoginError, SessionService
from aidioma_desktop.services.tutor import TutorService
from aidioma_desktop.store.paths import AppPaths
from aidioma_desktop.ui import errors
from aidioma_desktop.ui.tasks import TaskRunner
from tests.ai.standin import Reply, StandIn
from tests.documents.test_library import scan

MARKER = "QZX-privado-5519"


@pytest.fixture
def log_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "logs"
    assert logs.setup(folder, logging.DEBUG) == folder / logs.FILE_NAME
    hook = threading.excepthook
    yield folder
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "aidioma", False)]:
        root.removeHandler(handler)
        handler.close()
    threading.excepthook = hook


def test_the_log_rotates_in_files_of_at_most_a_megabyte(log_folder: Path) -> None:
    for n in range(6_000):
        logging.getLogger("aidioma.test").info("line %d %s", n, "x" * 900)
    files = sorted(log_folder.iterdir())
    assert [f.name for f in files] == [
        "aidioma.log",
        "aidioma.log.1",
        "aidioma.log.2",
        "aidioma.log.3",
    ]  # the oldest dropped
    assert all(f.stat().st_size <= logs.MAX_BYTES for f in files)


def test_nothing_a_person_wrote_or_read_reaches_the_log(
    log_folder: Path, paths: AppPaths, tmp_path: Path, memory_keyring: object, qtbot, monkeypatch
) -> None:
    monkeypatch.setattr(ai_settings, "_SECRETS", [])
    service = SessionService(paths)
    service.create_profile("Ana", password=f"pw-{MARKER}")
    with pytest.raises(LoginError):
        service.login("Ana", password=f"wrong-{MARKER}")
    learner = service.login("Ana", password=f"pw-{MARKER}")
    try:
        # An answer in Practice.
        practice = PracticeService(learner)
        item = practice.next_item()
        assert item is not None
        practice.submit(item, f"my answer {MARKER}")
        # A document read, and one that fails.
        library = LibraryService(learner, paths)
        good = tmp_path / "diario.txt"
        good.write_text(f"Mi contraseña es {MARKER}. Hoy hace sol en Madrid.", "utf-8")
        bad = tmp_path / "roto.pdf"
        bad.write_bytes(f"%PDF-1.4 {MARKER} not really a pdf".encode())
        library.add(good)
        library.add(bad)
        library.wait_idle()
        assert {d.status for d in library.documents()} == {"ready", "failed"}
        # A key in the keyring, a conversation turn, a provider's error quoting its page.
        ai_settings.save(learner, AiSettings("ollama", "", "tutor-small"), f"sk-{MARKER}")
        with StandIn() as server:
            provider = make_provider("ollama", server.url, "tutor-small", key=f"sk-{MARKER}")
            conversation = TutorService(learner, provider).start("cafe_order", "beginner")
            server.script(Reply(text=f"Claro, {MARKER}."), Reply(page=f"<p>Wifi {MARKER}</p>"))
            conversation.send(f"Quiero un café {MARKER}")
            with pytest.raises(ProviderError):
                conversation.send(f"Y un zumo {MARKER}")
            conversation.end()
        # Work on the app's worker that fails, expectedly and not.
        runner = TaskRunner(name="aidioma-test")
        failures: list[BaseException] = []

        def fail(error: BaseException) -> None:
            raise error

        for error in (AppError(f"said {MARKER}"), RuntimeError(f"bug {MARKER}")):
            runner.run(lambda error=error: fail(error), None, failures.append)
        qtbot.waitUntil(lambda: len(failures) == 2)
        runner.shutdown()
        # A thread's uncaught exception.
        thread = threading.Thread(target=fail, args=(ValueError(f"thread {MARKER}"),))
        thread.start()
        thread.join()
    finally:
        service.logout(learner)
    text = (log_folder / logs.FILE_NAME).read_text(encoding="utf-8")
    assert "Uncaught exception in thread" in text and "ValueError" in text
    assert "background task failed" in text and "RuntimeError" in text
    assert scan(log_folder, marker=MARKER) == []


def test_an_uncaught_error_shows_a_dialog_whose_details_hold_no_personal_text(
    log_folder: Path, qtbot, monkeypatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    errors.install(log_folder)
    try:
        try:
            raise RuntimeError(f"the answer was {MARKER}")
        except RuntimeError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
        (dialog,) = errors._shown
        qtbot.waitUntil(dialog.isVisible)
        assert dialog.windowTitle() == "Something went wrong"
        assert "What was saved before is safe" in dialog.text()
        assert dialog.details.startswith("RuntimeError")
        assert "test_logs.py" in dialog.details and MARKER not in dialog.details
        dialog.copy_button.click()
        assert QGuiApplication.clipboard().text() == dialog.details
        assert dialog.isVisible() and dialog.copy_button.text() == "Copied"
        dialog.close()
        qWarning(f"QFile::open: cannot open /home/ana/Documentos/{MARKER}.txt")  # Qt's own words
    finally:
        qInstallMessageHandler(None)  # Qt's own again; pytest-qt puts its own per test
    text = (log_folder / logs.FILE_NAME).read_text(encoding="utf-8")
    assert "Uncaught exception" in text
    assert "QFile::open: cannot open <path>" in text  # the message, without where the file is
    assert scan(log_folder, marker=MARKER) == []
