"""Library: your own documents for this session — add, search, read, and practise with them.

Adding writes a metadata row (quick work, on the shared worker); processing runs on the
library's own thread, whose progress arrives here through a signal. So Practice and Review stay
responsive while a long document is embedded.
"""

from __future__ import annotations

import html
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from ..services.library import (
    DocumentInfo,
    EmbeddingConfig,
    Passage,
    Reading,
    ReadingItem,
    WordInfo,
    save_api_key,
)
from .context import Context
from .reading import ReadingView
from .tasks import readable
from .widgets import ElidedLabel, Page, button, card, count, label, scrolls_past, take_widget

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf", ".docx", ".epub")


_STAGE = {"pending": 0, "processing": 1}  # every other status is final (2)


class _Updates(QObject):
    """Carries progress from the ingest thread to the page (a queued signal)."""

    changed = Signal(object)  # DocumentInfo


class DocumentRowWidget(QFrame):
    """One document: its name and status, a progress bar, and what can be done with it."""

    def __init__(self, page: LibraryPage, info: DocumentInfo) -> None:
        super().__init__()
        self.page = page
        self.info = info
        self.setAccessibleName(info.filename)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        top = QHBoxLayout()
        # Cut with "…" (the whole name in its tooltip): a long file name must not push the
        # buttons off the page.
        self.name = ElidedLabel("", self.tr("Document name"))
        self.name.set_full_text(info.filename)
        self.name.setStyleSheet("font-weight: 600;")
        top.addWidget(self.name, 1)
        self.status = label("", "subtle", name=self.tr("Document status"))
        top.addWidget(self.status)
        self.read = button(self.tr("Read"), self.tr("Read %1").replace("%1", info.filename))
        self.read.clicked.connect(lambda: page.open_reading(self.info.id))
        self.practise = button(
            self.tr("Practise"), self.tr("Practise with %1").replace("%1", info.filename)
        )
        self.practise.clicked.connect(lambda: page.start_practice(self.info.id))
        self.cancel = button(self.tr("Cancel"), self.tr("Cancel %1").replace("%1", info.filename))
        self.cancel.clicked.connect(lambda: page.cancel(self.info.id))
        self.remove = button(
            self.tr("Remove"), self.tr("Remove %1 from the list").replace("%1", info.filename)
        )
        self.remove.clicked.connect(lambda: page.remove(self.info.id))
        for widget in (self.read, self.practise, self.cancel, self.remove):
            top.addWidget(widget)
        layout.addLayout(top)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setAccessibleName(self.tr("Progress of %1").replace("%1", info.filename))
        layout.addWidget(self.bar)
        self.detail = label("", "subtle", wrap=True, name=self.tr("Document details"))
        layout.addWidget(self.detail)
        self.update_info(info)

    def update_info(self, info: DocumentInfo) -> None:
        self.info = info
        texts = {
            "pending": self.tr("Waiting"),
            "processing": self.tr("Processing… %1%").replace("%1", str(int(info.fraction * 100))),
            "ready": self.tr("Ready"),
            "failed": self.tr("Failed"),
            "cancelled": self.tr("Cancelled"),
            "expired": self.tr("No longer available"),
        }
        roles = {"ready": "good", "failed": "bad"}
        self.status.setText(texts.get(info.status, info.status))
        self.status.setProperty("role", roles.get(info.status, "subtle"))
        self.status.style().polish(self.status)
        working = info.status in ("pending", "processing")
        self.bar.setVisible(working)
        self.bar.setValue(int(info.fraction * 100))
        self.cancel.setVisible(working)
        self.read.setVisible(info.available)
        self.practise.setVisible(info.available and info.learnable)
        self.remove.setVisible(not working)
        if info.status == "failed" or info.status == "cancelled":
            self.detail.setText(info.error or "")
        elif info.status == "expired":
            self.detail.setText(
                self.tr("Documents last only for the session they were added in. %1").replace(
                    "%1", self.facts(info)
                )
            )
        elif info.status == "ready" and not info.learnable:
            self.detail.setText(f"{self.facts(info)}. {self.other_language(info.language)}")
        else:
            self.detail.setText(self.facts(info))
        self.detail.setProperty("role", "bad" if info.status == "failed" else "subtle")
        self.detail.style().polish(self.detail)
        self.detail.setVisible(bool(self.detail.text()))

    def facts(self, info: DocumentInfo) -> str:
        """What is known of a document that is not its text: "1,234 words · Spanish ·
        intermediate · 45 KB"."""
        languages = {"es": self.tr("Spanish"), "en": self.tr("English")}
        levels = {
            "beginner": self.tr("beginner"),
            "intermediate": self.tr("intermediate"),
            "advanced": self.tr("advanced"),
        }
        parts = []
        if info.words:
            parts.append(self.tr("%1 words").replace("%1", QLocale().toString(info.words)))
        if info.language in languages:
            parts.append(languages[info.language])
        if info.level in levels:
            parts.append(levels[info.level])
        if info.size_bytes:
            parts.append(QLocale().formattedDataSize(info.size_bytes))
        return " · ".join(parts)

    def other_language(self, language: str) -> str:
        names = {
            "fr": self.tr("French"),
            "de": self.tr("German"),
            "it": self.tr("Italian"),
            "pt": self.tr("Portuguese"),
            "nl": self.tr("Dutch"),
            "ca": self.tr("Catalan"),
            "ru": self.tr("Russian"),
            "el": self.tr("Greek"),
            "ar": self.tr("Arabic"),
            "he": self.tr("Hebrew"),
            "zh": self.tr("Chinese"),
            "ja": self.tr("Japanese"),
            "ko": self.tr("Korean"),
            "hi": self.tr("Hindi"),
        }
        return self.tr(
            "This looks like %1: word help and practice cover Spanish and English."
        ).replace("%1", names.get(language, language))


class LibraryPage(Page):
    document_changed = Signal(object)  # DocumentInfo, once it is on screen
    results_shown = Signal()
    word_shown = Signal(object)  # WordInfo
    card_added = Signal()
    translation_saved = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Library"), parent)
        self.ctx = ctx
        self.rows: dict[str, DocumentRowWidget] = {}
        self.reading: Reading | None = None
        self.word: WordInfo | None = None
        self.items: list[ReadingItem] = []
        self.item_index = 0
        self.item_started = 0.0
        self.saved_item: tuple[ReadingItem, str] | None = None
        self.updates = _Updates(self)
        self.updates.changed.connect(self._changed)
        self.setAcceptDrops(True)

        intro = label(
            self.tr(
                "Bring your own Spanish or English texts — an article, a recipe, a school PDF — "
                "and read, search and practise with them. They last only for this session: when "
                "you log out, their text is wiped; this list keeps only what is not text (the "
                "name, size, word count, language and level)."
            ),
            "subtle",
            wrap=True,
            name=self.tr("About your documents"),
        )
        self.body.insertWidget(1, intro)

        frame, box = card(self.tr("Add documents"))
        row = QHBoxLayout()
        self.drop_hint = label(self.tr("Drop files here, or"), name=self.tr("Drop files here"))
        row.addWidget(self.drop_hint)
        self.add_button = button(self.tr("Add files…"), self.tr("Add files"), "primary", "Ctrl+O")
        self.add_button.clicked.connect(self.choose_files)
        row.addWidget(self.add_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addWidget(
            label(
                self.tr("Text, Markdown, web pages, PDF, Word (.docx) and e-books (.epub)."),
                "subtle",
                wrap=True,
            )
        )
        self.model_note = label("", "subtle", wrap=True, name=self.tr("Embedding model"))
        box.addWidget(self.model_note)
        self.body.addWidget(frame)

        frame, box = card(self.tr("Your documents"))
        self.empty = label(self.tr("No documents yet."), "subtle", name=self.tr("No documents"))
        box.addWidget(self.empty)
        self.list_box = QVBoxLayout()
        box.addLayout(self.list_box)
        self.body.addWidget(frame)

        frame, box = card(self.tr("Search my documents"))
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setAccessibleName(self.tr("Search my documents"))
        self.query.setPlaceholderText(
            self.tr("Ask in Spanish or English, e.g. “how long does it bake?”")
        )
        self.query.returnPressed.connect(self.search)
        row.addWidget(self.query, 1)
        self.search_button = button(self.tr("Search"), self.tr("Search"))
        self.search_button.clicked.connect(self.search)
        row.addWidget(self.search_button)
        box.addLayout(row)
        self.results = QVBoxLayout()
        box.addLayout(self.results)
        self.body.addWidget(frame)

        self.reading_card, box = card(self.tr("Reading"))
        self.reading_title = label("", name=self.tr("Document being read"))
        self.reading_title.setStyleSheet("font-weight: 600;")
        box.addWidget(self.reading_title)
        box.addWidget(
            label(self.tr("Click a word to see what it is."), "subtle", name=self.tr("How to"))
        )
        self.view = ReadingView()
        self.view.setAccessibleName(self.tr("Document text"))
        self.view.word_clicked.connect(self._word_clicked)
        box.addWidget(self.view)
        self.word_line = label("", wrap=True, name=self.tr("The word you clicked"), rich=True)
        box.addWidget(self.word_line)
        row = QHBoxLayout()
        self.meaning = QLineEdit()
        self.meaning.setAccessibleName(self.tr("Meaning"))
        self.meaning.setPlaceholderText(self.tr("What it means, for the card"))
        self.meaning.setMaxLength(500)
        self.meaning.returnPressed.connect(self.add_word_card)
        row.addWidget(self.meaning, 1)
        self.add_card_button = button(
            self.tr("Add to my review cards"), self.tr("Add to my review cards")
        )
        self.add_card_button.clicked.connect(self.add_word_card)
        row.addWidget(self.add_card_button)
        box.addLayout(row)
        self.reading_card.hide()
        self.body.addWidget(self.reading_card)

        self.practice_card, box = card(self.tr("Reading practice"))
        self.practice_meta = label("", "subtle", name=self.tr("Sentence number and difficulty"))
        box.addWidget(self.practice_meta)
        self.sentence = label("", "prompt", wrap=True, name=self.tr("Sentence to translate"))
        box.addWidget(self.sentence)
        self.translation = QLineEdit()
        self.translation.setProperty("role", "answer")
        self.translation.setAccessibleName(self.tr("Your translation"))
        self.translation.setPlaceholderText(self.tr("Your own translation, then Enter"))
        self.translation.setMaxLength(2000)
        self.translation.returnPressed.connect(self.save_translation)
        box.addWidget(self.translation)
        row = QHBoxLayout()
        self.skip = button(self.tr("Skip"), self.tr("Skip this sentence"))
        self.skip.clicked.connect(lambda: self._show_item(self.item_index + 1))
        row.addWidget(self.skip)
        self.card_from_sentence = button(
            self.tr("Add it as a card"), self.tr("Add the sentence and your translation as a card")
        )
        self.card_from_sentence.clicked.connect(self.add_sentence_card)
        self.card_from_sentence.hide()
        row.addWidget(self.card_from_sentence)
        row.addStretch(1)
        self.save_button = button(self.tr("Save my translation"), self.tr("Save my translation"),
                                  "primary")  # fmt: skip
        self.save_button.clicked.connect(self.save_translation)
        row.addWidget(self.save_button)
        box.addLayout(row)
        self.practice_card.hide()
        self.body.addWidget(self.practice_card)

        self.status = label("", "subtle", wrap=True, name=self.tr("Library status"))
        self.body.addWidget(self.status)
        self.body.addStretch(1)

    # ---- the list ---------------------------------------------------------------------

    def refresh(self) -> None:
        library = self.ctx.library
        self.ctx.run(library.documents, self._show_documents, self._fail)
        self.ctx.run(library.embedder_name, self._show_model, self._fail)

    def _show_model(self, model: tuple[str, bool]) -> None:
        name, weak = model
        text = self.tr("Search and practice use %1.").replace("%1", name)
        if weak:
            text += " " + self.tr(
                "The full offline model is not available on this computer, so search only finds "
                "passages that share words with your question, and works poorly across "
                "languages. Choose an embedding service in Settings for better results."
            )
        self.model_note.setText(text)

    def _show_documents(self, docs: list[DocumentInfo]) -> None:
        seen = set()
        for position, info in enumerate(docs):
            seen.add(info.id)
            row = self.rows.get(info.id)
            if row is None:
                row = DocumentRowWidget(self, info)
                self.rows[info.id] = row
            else:
                row.update_info(info)
            self.list_box.insertWidget(position, row)
        for doc_id in list(self.rows):
            if doc_id not in seen:
                self.rows.pop(doc_id).deleteLater()
        self.empty.setVisible(not self.rows)

    def _changed(self, info: DocumentInfo) -> None:
        row = self.rows.get(info.id)
        if row is None:
            self._show_documents([info, *(r.info for r in self.rows.values())])
        elif _STAGE.get(info.status, 2) >= _STAGE.get(row.info.status, 2):
            # The add's own answer can arrive after the ingest thread's first updates.
            row.update_info(info)
        self.empty.setVisible(not self.rows)
        self.document_changed.emit(info)

    def choose_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in SUFFIXES)
        chosen, _filter = QFileDialog.getOpenFileNames(
            self,
            self.tr("Add documents"),
            str(Path.home()),
            self.tr("Documents (%1);;All files (*)").replace("%1", patterns),
        )
        self.add_files([Path(p) for p in chosen])

    def add_files(self, files: list[Path]) -> None:
        """What the file dialog and a drop both do: each file gets a row at once."""
        library, emit = self.ctx.library, self.updates.changed.emit
        for path in files:
            self.ctx.run(partial(library.add, path, emit), self._changed, self._fail)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.add_files(files)

    def cancel(self, doc_id: str) -> None:
        library = self.ctx.library
        self.ctx.run(lambda: library.cancel(doc_id), None, self._fail)

    def remove(self, doc_id: str) -> None:
        library = self.ctx.library
        if self.reading is not None and self.reading.doc_id == doc_id:
            self.reading_card.hide()
            self.practice_card.hide()

        def remove_then_list() -> list[DocumentInfo]:
            library.remove(doc_id)
            return library.documents()

        self.ctx.run(remove_then_list, self._show_documents, self._fail)

    # ---- search -----------------------------------------------------------------------

    def search(self) -> None:
        text, library = self.query.text(), self.ctx.library
        if not text.strip():
            return
        self.search_button.setEnabled(False)
        self.ctx.run(lambda: library.search(text, 5), self._show_results, self._fail)

    def _show_results(self, passages: list[Passage]) -> None:
        self.search_button.setEnabled(True)
        while self.results.count():
            widget = take_widget(self.results, 0)
            if widget:
                widget.deleteLater()
        if not passages:
            self.results.addWidget(
                label(
                    self.tr("Nothing found. Add a document first, or wait until it is ready."),
                    "subtle",
                    wrap=True,
                    name=self.tr("No results"),
                )
            )
        for number, p in enumerate(passages, 1):
            row = QHBoxLayout()
            name = self.tr("Result %1").replace("%1", str(number))
            text = label("", wrap=True, name=name, rich=True)  # escaped below
            text.setText(
                f"<b>{html.escape(p.filename)}</b> · {p.score:.2f}<br>{html.escape(p.text)}"
            )
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(0, 4, 0, 4)
            row.addWidget(text, 1)
            open_button = button(self.tr("Read"), self.tr("Read this passage"))
            open_button.clicked.connect(
                lambda _=False, d=p.doc_id, s=p.start: self.open_reading(d, s)
            )
            row.addWidget(open_button, 0, Qt.AlignmentFlag.AlignTop)
            self.results.addWidget(holder)
        self.results_shown.emit()

    # ---- reading ----------------------------------------------------------------------

    def open_reading(self, doc_id: str, at: int | None = None) -> None:
        library = self.ctx.library
        self.ctx.run(lambda: library.reading(doc_id), lambda r: self._show_reading(r, at),
                     self._fail)  # fmt: skip

    def _show_reading(self, reading: Reading, at: int | None) -> None:
        self.reading = reading
        self.reading_title.setText(
            self.tr("%1 · %2 words")
            .replace("%1", reading.filename)
            .replace("%2", f"{reading.words:,}")
        )
        self.view.show_paragraphs(reading.paragraphs)
        self.word_line.setText(self.tr("Click a word in the text."))
        self.reading_card.show()
        self.bring_into_view(self.reading_card)
        if at is not None:
            offset = 0
            for number, paragraph in enumerate(reading.paragraphs):
                if offset + len(paragraph) >= at:
                    self.view.scroll_to_paragraph(number)
                    break
                offset += len(paragraph) + 2
        self.view.setFocus()

    def _word_clicked(self, paragraph: int, at: int) -> None:
        if self.reading is None:
            return
        library, doc_id = self.ctx.library, self.reading.doc_id
        self.ctx.run(lambda: library.word_at(doc_id, paragraph, at), self._show_word, self._fail)

    def _show_word(self, info: WordInfo | None) -> None:
        if info is None:
            return
        self.word = info
        bands = {
            "top100": self.tr("very common (among the 100 most used words)"),
            "top500": self.tr("common (among the 500 most used words)"),
            "listed": self.tr("fairly common (in our list of %1 common words)").replace(
                "%1", f"{info.list_size:,}"
            ),
            "rare": self.tr("less common (not in our list of %1 common words)").replace(
                "%1", f"{info.list_size:,}"
            ),
        }
        rank = f" · #{info.rank}" if info.rank else ""
        guess = self.tr(" (a guess)") if info.how in ("rule", "as is") else ""
        self.word_line.setText(
            f"<b>{html.escape(info.word)}</b> → {html.escape(info.lemma)}{guess}"
            f" · {bands[info.band]}{rank} · "
            + count(
                info.in_document,
                self.tr("once in this document"),
                self.tr("%1 times in this document"),
            )
        )
        self.meaning.clear()
        self.meaning.setFocus()
        self.word_shown.emit(info)

    def add_word_card(self) -> None:
        if self.word is None or self.reading is None:
            self._say(self.tr("Click a word in the text first."), "bad")
            return
        meaning = self.meaning.text()
        if not meaning.strip():
            self._say(self.tr("Type what the word means first: the card needs both sides."), "bad")
            return
        library, info, doc_id = self.ctx.library, self.word, self.reading.doc_id
        self.ctx.run(
            # Only what the learner sees and typed goes into the (synced) event: never the
            # document's sentence around the word.
            lambda: library.add_card(info.lemma, meaning, doc_id),
            lambda _e: self._card_added(info.lemma),
            self._fail,
        )

    def _card_added(self, es: str) -> None:
        self.meaning.clear()
        self._say(self.tr("“%1” is now one of your review cards.").replace("%1", es), "good")
        self.card_added.emit()

    # ---- reading practice -------------------------------------------------------------

    def start_practice(self, doc_id: str) -> None:
        library = self.ctx.library
        self.ctx.run(lambda: library.practice_items(doc_id), self._show_items, self._fail)

    def _show_items(self, items: list[ReadingItem]) -> None:
        self.items = items
        self.practice_card.show()
        self.bring_into_view(self.practice_card)
        self._show_item(0)

    def _show_item(self, index: int) -> None:
        self.card_from_sentence.hide()
        self.saved_item = None
        if index >= len(self.items):
            self.item_index = len(self.items)
            self.sentence.setText(self.tr("That was the last sentence. ¡Muy bien!"))
            self.practice_meta.setText("")
            self.translation.setEnabled(False)
            self.save_button.setEnabled(False)
            self.skip.setEnabled(False)
            return
        self.item_index = index
        item = self.items[index]
        self.sentence.setText(item.es)
        level = (
            self.tr("easy") if item.difficulty < 0.3
            else self.tr("medium") if item.difficulty < 0.5
            else self.tr("hard")
        )  # fmt: skip
        self.practice_meta.setText(
            self.tr("%1 of %2 · easiest first · %3 · %4")
            .replace("%1", str(index + 1))
            .replace("%2", str(len(self.items)))
            .replace("%3", level)
            .replace("%4", item.filename)
        )
        self.translation.clear()
        self.translation.setEnabled(True)
        self.save_button.setEnabled(True)
        self.skip.setEnabled(True)
        self.translation.setFocus()
        self.item_started = time.monotonic()

    def save_translation(self) -> None:
        if not self.items or self.item_index >= len(self.items):
            return
        answer = self.translation.text()
        if not answer.strip():
            self._say(self.tr("Type your translation first."), "bad")
            return
        item = self.items[self.item_index]
        duration = int((time.monotonic() - self.item_started) * 1000)
        library = self.ctx.library
        self.save_button.setEnabled(False)
        self.ctx.run(
            lambda: library.save_translation(item, answer, duration),
            lambda _e: self._translation_saved(item, answer),
            self._fail,
        )

    def _translation_saved(self, item: ReadingItem, answer: str) -> None:
        self._show_item(self.item_index + 1)
        self.saved_item = (item, answer)
        self.card_from_sentence.show()
        self._say(self.tr("Saved your translation. Here is the next sentence."), "good")
        self.translation_saved.emit()

    def add_sentence_card(self) -> None:
        if self.saved_item is None:
            return
        (item, answer), library = self.saved_item, self.ctx.library
        self.card_from_sentence.hide()
        self.ctx.run(
            lambda: library.add_card(item.es, answer, item.doc_id),
            lambda _e: self._card_added(item.es),
            self._fail,
        )

    # ---- messages ---------------------------------------------------------------------

    def _fail(self, error: BaseException) -> None:
        self.search_button.setEnabled(True)
        self.save_button.setEnabled(bool(self.items) and self.item_index < len(self.items))
        self._say(readable(error), "bad")

    def _say(self, text: str, role: str) -> None:
        self.status.setText(text)
        self.status.setProperty("role", role)
        self.status.style().polish(self.status)


class EmbeddingsBox(QGroupBox):
    """Settings → Embeddings: the built-in offline model, or an Ollama / OpenAI-style service.

    The choice is this computer's (QSettings); an API key goes only to the OS keyring.
    """

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Embeddings (searching your documents)"), parent)
        self.ctx = ctx
        self.setAccessibleName(self.tr("Embeddings"))
        form = QFormLayout(self)
        form.setSpacing(10)
        form.addRow(
            label(
                self.tr(
                    "The built-in model (multilingual-e5-small) works offline and understands "
                    "Spanish and English. A local Ollama or an OpenAI-compatible service can be "
                    "used instead; your documents' text is then sent to it."
                ),
                "subtle",
                wrap=True,
            )
        )
        self.provider = scrolls_past(QComboBox())
        for value, text in (
            ("builtin", self.tr("Built in, offline")),
            ("ollama", self.tr("Ollama")),
            ("openai", self.tr("OpenAI-compatible service")),
        ):
            self.provider.addItem(text, value)
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://127.0.0.1:11434")
        self.model = QLineEdit()
        self.model.setPlaceholderText("nomic-embed-text")
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText(self.tr("only for services that need one"))
        self.insecure = QCheckBox(self.tr("Allow insecure connection (plain http)"))
        self.insecure.setToolTip(
            self.tr(
                "Plain http to another computer sends your documents' text and your API key "
                "unencrypted. Only for a network you trust; this computer needs no tick."
            )
        )
        for text, widget in (
            (self.tr("Model"), self.provider),
            (self.tr("Address"), self.url),
            (self.tr("Model name"), self.model),
            (self.tr("API key"), self.api_key),
            ("", self.insecure),
        ):
            widget.setAccessibleName(
                self.tr("Embeddings: %1").replace("%1", text or self.insecure.text())
            )
            form.addRow(text, widget)
        settings = ctx.ui_settings
        self.provider.setCurrentIndex(
            max(0, self.provider.findData(settings.value("embeddings/provider", "builtin")))
        )
        self.url.setText(str(settings.value("embeddings/url", "")))
        self.model.setText(str(settings.value("embeddings/model", "")))
        self.insecure.setChecked(
            str(settings.value("embeddings/insecure", "false")).lower() == "true"
        )
        self.provider.currentIndexChanged.connect(lambda _i: self._enable())
        row = QHBoxLayout()
        self.state = label("", "subtle", wrap=True, name=self.tr("Embeddings status"))
        row.addWidget(self.state, 1)
        self.apply = button(self.tr("Use this model"), self.tr("Use this embedding model"))
        self.apply.clicked.connect(self.use)
        row.addWidget(self.apply)
        form.addRow(row)
        self._enable()

    def _enable(self) -> None:
        remote = self.provider.currentData() != "builtin"
        for widget in (self.url, self.model, self.api_key, self.insecure):
            widget.setEnabled(remote)

    def config(self) -> EmbeddingConfig:
        return EmbeddingConfig(
            str(self.provider.currentData()),
            self.url.text().strip(),
            self.model.text().strip(),
            insecure=self.insecure.isChecked(),
        )

    def use(self) -> None:
        config, key = self.config(), self.api_key.text()
        settings = self.ctx.ui_settings
        settings.setValue("embeddings/provider", config.provider)
        settings.setValue("embeddings/url", config.url)
        settings.setValue("embeddings/model", config.model)
        settings.setValue("embeddings/insecure", "true" if config.insecure else "false")
        library = self.ctx.library

        def work() -> str:
            kept = save_api_key(key) if key else True
            library.set_embedding(replace(config, api_key=key) if key else config)
            name, _weak = library.embedder_name()
            library.embedder.query("hola")  # reach the service now, not at the first document
            return name if kept else name + " (no keyring: the key lasts until you quit)"

        self.apply.setEnabled(False)
        self._say(self.tr("Checking…"), "subtle")
        self.ctx.run(work, self._used, self._failed)

    def _used(self, name: str) -> None:
        self.apply.setEnabled(True)
        self.api_key.clear()
        self._say(self.tr("Using %1.").replace("%1", name), "good")

    def _failed(self, error: BaseException) -> None:
        self.apply.setEnabled(True)
        self._say(readable(error), "bad")

    def _say(self, text: str, role: str) -> None:
        self.state.setText(text)
        self.state.setProperty("role", role)
        self.state.style().polish(self.state)
