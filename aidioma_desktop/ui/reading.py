"""The Reading view: a document's paragraphs; click a word to see its lemma and how common it is."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

SLICE = 200  # paragraphs added per turn of the event loop (a few ms each)


def _python_index(text: str, utf16_pos: int) -> int:
    """Qt counts UTF-16 code units; Python counts code points (they differ for emoji)."""
    return len(text.encode("utf-16-le")[: utf16_pos * 2].decode("utf-16-le", errors="ignore"))


class ReadingView(QTextBrowser):
    """Read-only text, one block per paragraph; a click on a word emits its paragraph and
    position (the service finds the word and its sentence there)."""

    word_clicked = Signal(int, int)  # paragraph number, character position in it
    loaded = Signal()  # every paragraph of the document is in the view

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setMinimumHeight(320)
        self.setStyleSheet("QTextBrowser { font-size: 13pt; padding: 8px; }")
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self._pending: list[str] = []
        self._next = 0  # the first paragraph not in the view yet
        self._scroll_to: int | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._add_slice)

    @property
    def loading(self) -> bool:
        return self._timer.isActive()

    @property
    def paragraphs_shown(self) -> int:
        return self._next

    def show_paragraphs(self, paragraphs: list[str]) -> None:
        """Show a document: the first slice at once, the rest a slice per turn of the event
        loop (a 500,000-word text would block the window for a second in one go).

        One block per paragraph (and no blank blocks), so a block number is a paragraph, also
        while the rest is still coming: paragraphs are only ever appended, in order.
        """
        self._timer.stop()
        self._scroll_to = None
        self.clear()
        document = self.document()
        fmt = document.rootFrame().frameFormat()
        fmt.setMargin(4)
        document.rootFrame().setFrameFormat(fmt)
        block = QTextBlockFormat()
        block.setBottomMargin(12)
        block.setLineHeight(130, 1)  # 1 = QTextBlockFormat.ProportionalHeight
        QTextCursor(document).setBlockFormat(block)  # the first block: the others inherit it
        self._pending, self._next = list(paragraphs), 0
        self._add_slice()
        self.moveCursor(QTextCursor.MoveOperation.Start)
        if self._next < len(self._pending):
            self._timer.start()

    def _add_slice(self) -> None:
        first, last = self._next, min(self._next + SLICE, len(self._pending))
        if first < last:
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            # "\n" starts a new block with the current block's format (one call, no merge
            # over the whole document).
            cursor.insertText(("\n" if first else "") + "\n".join(self._pending[first:last]))
            self._next = last
        if self._scroll_to is not None and self._scroll_to < self._next:
            target, self._scroll_to = self._scroll_to, None
            self.scroll_to_paragraph(target)
        if self._next >= len(self._pending):
            self._timer.stop()
            self._pending = []
            self.loaded.emit()

    def point_of(self, paragraph: int, position: int) -> QPoint:
        """Where a character is on screen (the tests click there, as a person would)."""
        block = self.document().findBlockByNumber(paragraph)
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + position)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        rect = self.cursorRect(cursor)
        return QPoint(rect.left() + 3, rect.center().y())  # inside that character

    def scroll_to_paragraph(self, paragraph: int) -> None:
        if paragraph >= self._next and self.loading:  # not in the view yet: when it is
            self._scroll_to = paragraph
            return
        block = self.document().findBlockByNumber(paragraph)
        if block.isValid():
            self.setTextCursor(QTextCursor(block))
            self.ensureCursorVisible()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return  # a selection is for copying, not a click on a word
        cursor = self.cursorForPosition(event.position().toPoint())
        block = cursor.block()
        at = _python_index(block.text(), cursor.positionInBlock())
        word = QTextCursor(cursor)
        word.select(QTextCursor.SelectionType.WordUnderCursor)
        if word.hasSelection():
            self.setTextCursor(word)  # the clicked word stays marked
        self.word_clicked.emit(block.blockNumber(), at)
