"""Small building blocks shared by the pages: cards, titles, buttons, a page scaffold."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..services.session import NAME_MAX_CHARS

W = TypeVar("W", bound=QWidget)


class _WheelScrollsPage(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        wheel = event.type() == QEvent.Type.Wheel
        if wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()  # skipped here, so Qt hands it on to the parents: the page scrolls
            return True
        return False


def scrolls_past(widget: W) -> W:
    """A spin box or list box that the mouse wheel changes only once clicked into: turning the
    wheel over it scrolls the page. Qt changes the value under the pointer, so a person
    scrolling Settings changed their daily goal on the way, and the Practice page's level."""
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not WheelFocus
    widget.installEventFilter(_WheelScrollsPage(widget))
    return widget


def take_widget(layout: QLayout, index: int) -> QWidget | None:
    """Take the item at `index` out of `layout`; its widget (None for a stretch or a layout)."""
    item = layout.takeAt(index)
    return item.widget() if item is not None else None


def number(n: int) -> str:
    """A count as the person's language writes it: 60,005 or 60.005."""
    return QLocale().toString(n)


def count(n: int, one: str, many: str) -> str:
    """'1 day' / '3 days': `many` holds %1 for the number (already translated by the caller)."""
    return one if n == 1 else many.replace("%1", number(n))


def label(
    text: str = "",
    role: str | None = None,
    wrap: bool = False,
    name: str = "",
    rich: bool = False,
    kind: type[QLabel] = QLabel,
) -> QLabel:
    """A label showing `text` literally (file names, a document's words and errors are not
    trusted markup); `rich=True` only where the caller builds escaped HTML itself."""
    widget = kind()
    widget.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    widget.setText(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    if name:
        widget.setAccessibleName(name)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


class ElidedLabel(QLabel):
    """One line that gives way: at most half its window wide, cut with "…" to the room it has,
    the whole text in its tooltip. A status bar message (a sync error explains itself at
    length) must neither run off the window's edge nor widen it."""

    def __init__(self, role: str, name: str) -> None:
        super().__init__()
        self._full = ""
        self.setProperty("role", role)
        self.setAccessibleName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        wanted = self.fontMetrics().horizontalAdvance(self._full) + 8
        room = self.window().width() // 2 if self.window() is not self else wanted
        return QSize(min(wanted, max(room, 120)), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self.sizeHint().width(), 120), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width())
        self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


def button(
    text: str, name: str, role: str | None = None, shortcut: str | None = None
) -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(name)
    if role:
        widget.setProperty("role", role)
    if shortcut:
        # A shortcut object of its own, not setShortcut: setText (a hint button counting its
        # hints) replaces a button's shortcut with its text's mnemonic, and Ctrl+H went dead.
        # Window-wide, like a menu action; only while the button shows, so two pages can each
        # have their Ctrl+H; click() does nothing while the button is disabled.
        QShortcut(QKeySequence(shortcut), widget, widget.click)
        widget.setToolTip(f"{name} ({shortcut})")
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def card(name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    frame.setAccessibleName(name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 16, 20, 16)
    layout.setSpacing(8)
    return frame, layout


class Page(QWidget):
    """A page: a title row and a scrollable body. `refresh` reloads it from the services."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(title)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = self.scroll_area = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("PageBody")
        scroll.setWidget(body)
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(32, 24, 32, 24)
        self.body.setSpacing(16)
        self.title = label(title, name=title)
        self.title.setObjectName("PageTitle")
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.body.addWidget(self.title)

    def bring_into_view(self, widget: QWidget) -> None:
        """Scroll to `widget` (a panel just opened further down), once it is laid out."""
        QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(widget, 0, 24))

    def refresh(self) -> None:
        """Reload what the page shows (called when it becomes visible)."""


def verdict_words(verdict: str) -> tuple[str, str]:
    """A verdict as the pages show it: its words (✓ Correct, ≈ Almost, ✗ Not quite) and the
    style role that colours them (and never the colour alone: the mark says it too)."""
    words = {
        "correct": QCoreApplication.translate("Verdict", "✓ Correct"),
        "almost": QCoreApplication.translate("Verdict", "≈ Almost"),
        "wrong": QCoreApplication.translate("Verdict", "✗ Not quite"),
    }
    roles = {"correct": "good", "almost": "almost", "wrong": "bad"}
    return words[verdict], roles[verdict]


def ask_yes_no(
    parent: QWidget, title: str, text: str, answered: Callable[[bool], None]
) -> QMessageBox:
    """A question with Yes and No (No the default) that does not block the window: `answered`
    gets True for Yes. Returned, so that a test can answer it."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.finished.connect(lambda result: answered(result == QMessageBox.StandardButton.Yes))
    box.open()
    return box


def name_too_long(name: str) -> str | None:
    """What a profile form says while a name is longer than a name can be (the name is kept
    whole, not cut short without a word); None when it is not."""
    length = len(name.strip())
    if length <= NAME_MAX_CHARS:
        return None
    text = QCoreApplication.translate(
        "ProfileName", "A name can have at most %1 characters; this one has %2."
    )
    return text.replace("%1", str(NAME_MAX_CHARS)).replace("%2", str(length))
