"""The Library page driven as a person drives it: add, drop, cancel, search, read, practise."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.documents.files import make_docx
from tests.documents.test_library import RECIPE
from tests.ui.conftest import WAIT_MS

LIBRARY = 5  # the sixth page (Ctrl+6)
LONG_WAIT = 120_000  # embedding a long document on a shared 2-core machine


def open_library(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    harness.idle()
    page = window.shell.library
    assert window.shell.stack.currentWidget() is page
    qtbot.waitUntil(lambda: "Search and practice use" in page.model_note.text(), timeout=WAIT_MS)
    return window, page


def row_named(page, name: str):
    rows = [r for r in page.rows.values() if r.info.filename == name]
    return rows[0] if rows else None


def wait_status(qtbot, page, name: str, status: str, timeout: int = LONG_WAIT):
    qtbot.waitUntil(
        lambda: (r := row_named(page, name)) is not None and r.info.status == status,
        timeout=timeout,
    )
    return row_named(page, name)


def read_and_click(qtbot, page, row, paragraph: int, word: str) -> None:
    """Open the document's Reading view and click inside `word` of that paragraph."""
    with qtbot.waitSignal(page.word_shown, timeout=WAIT_MS):
        qtbot.mouseClick(row.read, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(page.reading_card.isVisible, timeout=WAIT_MS)
        point = page.view.point_of(paragraph, page.reading.paragraphs[paragraph].index(word) + 2)
        qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def drop(page, files: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    point = QPointF(page.width() / 2, page.height() / 2)
    action, button, mods = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(point.toPoint(), action, mime, button, mods)
    QApplication.sendEvent(page, enter)
    assert enter.isAccepted()
    event = QDropEvent(point, action, mime, button, mods)
    QApplication.sendEvent(page, event)
    assert event.isAccepted()


def test_add_search_read_a_word_and_make_a_card(harness, qtbot, make_profile, tmp_path):
    window, page = open_library(harness, qtbot, make_profile)
    assert page.empty.isVisible()
    recipe = tmp_path / "receta.txt"
    recipe.write_text(RECIPE, encoding="utf-8")
    page.add_files([recipe])  # what the file dialog does with the files chosen
    row = wait_status(qtbot, page, "receta.txt", "ready")
    assert row.status.text() == "Ready" and not row.bar.isVisible()
    assert row.read.isVisible() and row.practise.isVisible() and not row.cancel.isVisible()
    assert "73 words" in row.detail.text()

    qtbot.keyClicks(page.query, "what time does the train leave")
    with qtbot.waitSignal(page.results_shown, timeout=WAIT_MS):
        qtbot.keyClick(page.query, Qt.Key.Key_Return)
    first = page.results.itemAt(0).widget().layout().itemAt(0).widget()
    assert "receta.txt" in first.text() and "Atocha" in first.text()

    read_and_click(qtbot, page, row, 1, "patatas")
    assert page.word.lemma == "patata"
    assert "patatas</b> → patata" in page.word_line.text()
    assert "3 times in this document" in page.word_line.text()

    qtbot.mouseClick(page.add_card_button, Qt.MouseButton.LeftButton)  # no meaning typed yet
    assert "needs both sides" in page.status.text()
    qtbot.keyClicks(page.meaning, "potato")
    with qtbot.waitSignal(page.card_added, timeout=WAIT_MS):
        qtbot.keyClick(page.meaning, Qt.Key.Key_Return)
    assert "is now one of your review cards" in page.status.text()
    cards = [e for e in window.ctx.learner.db.events() if e.kind == "card.added"]
    assert [(c.payload["es"], c.payload["en"]) for c in cards] == [("patata", "potato")]


def test_drop_files_bad_ones_fail_and_practice_saves_translations(
    harness, qtbot, make_profile, tmp_path
):
    window, page = open_library(harness, qtbot, make_profile)
    good = make_docx(tmp_path / "carta.docx", RECIPE.split("\n\n"))
    bad = tmp_path / "foto.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4)
    drop(page, [good, bad, tmp_path / "hoja.xlsx"])
    failed = wait_status(qtbot, page, "foto.txt", "failed")
    assert "is not text" in failed.detail.text() and failed.detail.isVisible()
    assert "not supported" in wait_status(qtbot, page, "hoja.xlsx", "failed").detail.text()
    row = wait_status(qtbot, page, "carta.docx", "ready")

    qtbot.mouseClick(row.practise, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.practice_card.isVisible() and bool(page.items), timeout=WAIT_MS)
    first = page.items[0]
    assert page.sentence.text() == first.es and "1 of" in page.practice_meta.text()
    qtbot.keyClicks(page.translation, "My own translation")
    with qtbot.waitSignal(page.translation_saved, timeout=WAIT_MS):
        qtbot.keyClick(page.translation, Qt.Key.Key_Return)
    assert page.sentence.text() == page.items[1].es
    with qtbot.waitSignal(page.card_added, timeout=WAIT_MS):
        qtbot.mouseClick(page.card_from_sentence, Qt.MouseButton.LeftButton)
    kinds = [e.kind for e in window.ctx.learner.db.events()]
    assert kinds.count("reading.translated") == 1 and kinds.count("reading.logged") == 1
    added = [e for e in window.ctx.learner.db.events() if e.kind == "card.added"]
    assert added[0].payload["es"] == first.es and added[0].payload["en"] == "My own translation"

    paths = harness.paths
    window.logout()
    harness.idle()
    assert list(paths.sessions.iterdir()) == []


def test_cancel_a_long_document_while_practice_stays_usable(harness, qtbot, make_profile, tmp_path):
    window, page = open_library(harness, qtbot, make_profile)
    long_doc = tmp_path / "largo.txt"
    long_doc.write_text("\n\n".join([RECIPE] * 300), encoding="utf-8")
    page.add_files([long_doc])
    row = wait_status(qtbot, page, "largo.txt", "processing", WAIT_MS)
    qtbot.waitUntil(lambda: row.bar.isVisible() and row.cancel.isVisible(), timeout=WAIT_MS)

    # Practice answers while the document is embedded on the library's own thread.
    window.shell.show_page(1)
    harness.idle()
    practice = window.shell.practice
    practice.answer.insert(practice.item.references[0])
    qtbot.keyClick(practice.answer, Qt.Key.Key_Return)
    harness.idle()
    assert practice.verdict.text().startswith("✓ Correct")
    assert row.info.status == "processing", "the document should still be processing"

    window.shell.show_page(LIBRARY)
    qtbot.mouseClick(row.cancel, Qt.MouseButton.LeftButton)
    row = wait_status(qtbot, page, "largo.txt", "cancelled", WAIT_MS)
    assert row.status.text() == "Cancelled" and not row.bar.isVisible()
    assert "Nothing of the document was kept" in row.detail.text()
    assert list(harness.paths.sessions.rglob("*.*")) == []


def test_settings_choose_an_ollama_endpoint_for_embeddings(harness, qtbot, make_profile, tmp_path):
    import threading
    from http.server import ThreadingHTTPServer

    from tests.documents.test_embed import _Handler

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        window, page = open_library(harness, qtbot, make_profile)
        window.shell.show_page(4)
        box = window.shell.settings.embeddings
        box.provider.setCurrentIndex(box.provider.findData("ollama"))
        assert box.url.isEnabled()
        box.url.setText(f"http://127.0.0.1:{server.server_address[1]}")
        qtbot.keyClicks(box.model, "nomic-embed-text")
        qtbot.mouseClick(box.apply, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.state.text().startswith("Using"), timeout=WAIT_MS)
        assert "nomic-embed-text (ollama at" in box.state.text()
        assert harness.window.ui_settings.value("embeddings/provider") == "ollama"

        window.shell.show_page(LIBRARY)
        recipe = tmp_path / "receta.md"
        recipe.write_text(RECIPE, encoding="utf-8")
        page.add_files([recipe])
        wait_status(qtbot, page, "receta.md", "ready")
        assert any("Atocha" in " ".join(s["body"]["input"]) for s in server.seen)
        page.refresh()
        qtbot.waitUntil(lambda: "nomic-embed-text" in page.model_note.text(), timeout=WAIT_MS)
    finally:
        server.shutdown()
        server.server_close()


def test_a_word_card_keeps_nothing_of_the_document_but_what_the_learner_typed(
    harness, qtbot, make_profile, tmp_path
):
    from tests.documents.test_library import MARKER, scan

    window, page = open_library(harness, qtbot, make_profile)
    diary = tmp_path / "diario.txt"
    diary.write_text(
        f"Mi diario de la semana.\n\nHoy comí patatas con el código {MARKER} escrito al lado.",
        encoding="utf-8",
    )
    page.add_files([diary])
    row = wait_status(qtbot, page, "diario.txt", "ready")
    read_and_click(qtbot, page, row, 1, "patatas")
    assert page.word.lemma == "patata"
    qtbot.keyClicks(page.meaning, "potato")
    with qtbot.waitSignal(page.card_added, timeout=WAIT_MS):
        qtbot.keyClick(page.meaning, Qt.Key.Key_Return)
    (card,) = [e for e in window.ctx.learner.db.events() if e.kind == "card.added"]
    assert (card.payload["es"], card.payload["en"]) == ("patata", "potato")

    paths = harness.paths
    window.logout()
    harness.idle()
    assert scan(paths.data, paths.cache) == []  # the event log holds nothing of the sentence


def test_a_paragraph_separator_inside_a_paragraph_keeps_clicks_on_the_right_word(
    harness, qtbot, make_profile, tmp_path
):
    _window, page = open_library(harness, qtbot, make_profile)
    doc = tmp_path / "raro.txt"
    doc.write_text(
        "Título.\n\nUno dos\u2029tres cuatro.\n\nEl gato come pescado y patatas.", "utf-8"
    )
    page.add_files([doc])
    row = wait_status(qtbot, page, "raro.txt", "ready")
    qtbot.mouseClick(row.read, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.reading_card.isVisible, timeout=WAIT_MS)
    number = next(i for i, p in enumerate(page.reading.paragraphs) if "gato" in p)
    assert page.view.document().blockCount() == len(page.reading.paragraphs)
    with qtbot.waitSignal(page.word_shown, timeout=WAIT_MS):
        point = page.view.point_of(number, page.reading.paragraphs[number].index("gato") + 1)
        qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert (page.word.word, page.word.lemma) == ("gato", "gato")


def test_the_reading_view_fills_in_slices_and_clicks_map_throughout(qtbot):
    from aidioma_desktop.ui.reading import SLICE, ReadingView

    view = ReadingView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    paragraphs = [f"Párrafo {n}: el gato número {n} come pescado." for n in range(SLICE * 5 + 7)]
    view.show_paragraphs(paragraphs)
    assert view.loading and view.paragraphs_shown == SLICE  # the rest comes a slice at a time
    assert view.document().blockCount() == SLICE
    with qtbot.waitSignal(view.word_clicked, timeout=WAIT_MS) as clicked:
        point = view.point_of(5, paragraphs[5].index("pescado") + 2)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [5, paragraphs[5].index("pescado") + 2]
    last = len(paragraphs) - 1
    view.scroll_to_paragraph(last)  # not there yet: scrolled to once it is
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        pass
    assert not view.loading and view.document().blockCount() == len(paragraphs)
    assert view.textCursor().blockNumber() == last
    assert [view.document().findBlockByNumber(n).text() for n in (0, SLICE, last)] == [
        paragraphs[0],
        paragraphs[SLICE],
        paragraphs[last],
    ]
    fmt = view.document().findBlockByNumber(last).blockFormat()
    assert fmt.bottomMargin() == 12 and fmt.lineHeight() == 130  # every block, not the first
    with qtbot.waitSignal(view.word_clicked, timeout=WAIT_MS) as clicked:
        point = view.point_of(last, paragraphs[last].index("gato") + 1)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [last, paragraphs[last].index("gato") + 1]


def test_names_and_errors_show_as_plain_text_and_no_words_of_the_text(
    harness, qtbot, make_profile, tmp_path
):
    _window, page = open_library(harness, qtbot, make_profile)
    tricky = tmp_path / "<b>negrita<b>.txt"
    tricky.write_text("<b>Hola</b> a todos, esto es una prueba.", "utf-8")
    page.add_files([tricky, tmp_path / "<i>hoja<i>.xlsx"])
    row = wait_status(qtbot, page, tricky.name, "ready")
    failed = wait_status(qtbot, page, "<i>hoja<i>.xlsx", "failed")
    for widget, text in (
        (row.name, "<b>negrita<b>.txt"),
        (row.detail, "9 words · 40 bytes"),  # what it is, not what it says
        (failed.detail, "<i>hoja<i>.xlsx"),
    ):
        assert text in widget.text()
        assert widget.textFormat() == Qt.TextFormat.PlainText, widget.accessibleName()
    assert "Hola" not in row.detail.text()


def test_a_document_in_another_language_is_named_and_not_practised(
    harness, qtbot, make_profile, tmp_path
):
    _window, page = open_library(harness, qtbot, make_profile)
    german = tmp_path / "brief.txt"
    german.write_text(
        "Morgen fahren wir mit den Kindern an den Strand, weil es heiß ist und die Schule "
        "nicht stattfindet. Das ist auch für die Großeltern eine gute Nachricht.",
        "utf-8",
    )
    page.add_files([german])
    row = wait_status(qtbot, page, german.name, "ready")
    assert row.detail.text().endswith(
        "This looks like German: word help and practice cover Spanish and English."
    )
    assert row.read.isVisible() and not row.practise.isVisible()


def test_settings_refuse_plain_http_to_another_computer_unless_ticked(harness, qtbot, make_profile):
    import sys

    import pytest

    from tests.documents.endpoint import SlowOllama, serve

    if sys.platform == "win32":
        pytest.skip("connecting to 0.0.0.0 reaches this host on Linux and macOS")
    with serve(SlowOllama, "0.0.0.0") as endpoint:
        endpoint.release.set()
        window, _page = open_library(harness, qtbot, make_profile)
        window.shell.show_page(4)
        box = window.shell.settings.embeddings
        box.provider.setCurrentIndex(box.provider.findData("ollama"))
        assert box.insecure.isEnabled() and not box.insecure.isChecked()
        box.url.setText(endpoint.url("0.0.0.0"))
        qtbot.keyClicks(box.model, "nomic-embed-text")
        qtbot.mouseClick(box.apply, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "plain http" in box.state.text(), timeout=WAIT_MS)
        assert "Allow insecure connection" in box.state.text() and endpoint.requests == 0
        qtbot.keyClick(box.insecure, Qt.Key.Key_Space)  # as a keyboard user ticks it
        assert box.insecure.isChecked()
        qtbot.mouseClick(box.apply, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.state.text().startswith("Using"), timeout=WAIT_MS)
        assert endpoint.requests >= 1
        assert str(window.ui_settings.value("embeddings/insecure")) == "true"


def test_logout_while_a_document_is_processing(harness, qtbot, make_profile, tmp_path):
    import threading

    from aidioma_desktop.services.library import EmbeddingConfig
    from tests.documents.endpoint import SlowOllama, serve

    before = {t for t in threading.enumerate() if t.name.startswith("aidioma-ingest")}
    with serve(SlowOllama) as endpoint:
        window, page = open_library(harness, qtbot, make_profile)
        library = window.ctx.library
        window.ctx.run(
            lambda: library.set_embedding(EmbeddingConfig("ollama", endpoint.url(), "m"))
        )
        harness.idle()
        recipe = tmp_path / "receta.txt"
        recipe.write_text(RECIPE, encoding="utf-8")
        page.add_files([recipe])
        wait_status(qtbot, page, "receta.txt", "processing", WAIT_MS)
        qtbot.waitUntil(endpoint.entered.is_set, timeout=WAIT_MS)  # blocked in the service
        seen: list[object] = []
        page.document_changed.connect(seen.append)

        window.logout()  # the page is deleted; the ingest thread is still in its call
        harness.idle()  # the logout ended although the service never answered
        assert not endpoint.release.is_set()
        assert window.screens.currentWidget() is window.welcome and window.shell is None
        assert list(harness.paths.sessions.iterdir()) == []
        endpoint.release.set()  # the late answer: nothing may reach the deleted page
        for thread in {t for t in threading.enumerate()
                       if t.name.startswith("aidioma-ingest")} - before:  # fmt: skip
            thread.join(60)
            assert not thread.is_alive()
        QApplication.processEvents()
    assert seen == []
    assert window.welcome.isVisible()


def test_a_long_file_name_keeps_the_page_in_its_width_and_panels_open_in_view(
    harness, qtbot, make_profile, tmp_path
):
    window, page = open_library(harness, qtbot, make_profile)
    window.resize(1000, 700)
    long_name = "diario de viaje por andalucía " * 6 + ".txt"  # 184 characters
    diary = tmp_path / long_name
    diary.write_text("Ayer llegamos a Sevilla. Hacía mucho calor en la calle.\n\n" * 40, "utf-8")
    page.add_files([diary])
    row = wait_status(qtbot, page, long_name, "ready")
    harness.idle()
    assert page.scroll_area.horizontalScrollBar().maximum() == 0  # nothing pushed off to the side
    assert row.name.text().endswith("…") and row.name.toolTip() == long_name
    viewport = page.scroll_area.viewport()
    right_edge = row.remove.mapTo(viewport, row.remove.rect().topRight()).x()
    assert right_edge <= viewport.width()  # its buttons are on the page

    def in_view(widget) -> bool:
        top = widget.mapTo(viewport, widget.rect().topLeft()).y()
        return 0 <= top < viewport.height()

    qtbot.mouseClick(row.read, Qt.MouseButton.LeftButton)
    reading = page.reading_card
    qtbot.waitUntil(lambda: reading.isVisible() and in_view(reading), timeout=WAIT_MS)
    page.scroll_area.verticalScrollBar().setValue(0)
    qtbot.mouseClick(row.practise, Qt.MouseButton.LeftButton)
    practice = page.practice_card
    qtbot.waitUntil(lambda: practice.isVisible() and in_view(practice), timeout=WAIT_MS)
