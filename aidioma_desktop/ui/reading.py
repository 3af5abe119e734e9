"""The Reading view: a document's paragraphs; click a word to see its lemma and how common it is."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget


def _python_index(text: str, utf16_pos: int) -> int:
    """Qt counts UTF-16 code units; Python counts code points (they differ for emoji)."""
    return len(text.encode("utf-16-le")[: utf16_pos * 2].decode("utf-16-le", errors="ignore"))


class ReadingView(QTextBrowser):
    """Read-only text, one block per paragraph; a click on a word emits its paragraph and
    position (the service finds the word and its sentence there)."""

    word_clicked = Signal(int, int)  # paragraph number, character position in it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setReadOnly(True)
        self.setMinimumHeight(320)
        self.setStyleSheet("QTextBrowser { font-size: 13pt; padding: 8px; }")
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)

    def show_paragraphs(self, paragraphs: list[str]) -> None:
        # One block per paragraph (and no blank blocks), so a block number is a paragraph.
        self.setPlainText("\n".join(paragraphs))
        fmt = self.document().rootFrame().frameFormat()
        fmt.setMargin(4)
        self.document().rootFrame().setFrameFormat(fmt)
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        block = cursor.blockFormat()
        block.setBottomMargin(12)
        block.setLineHeight(130, 1)  # 1 = QTextBlockFormat.ProportionalHeight
        cursor.mergeBlockFormat(block)
        self.moveCursor(QTextCursor.MoveOperation.Start)

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
