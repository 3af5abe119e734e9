"""Small building blocks shared by the pages: cards, titles, buttons, a page scaffold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def count(n: int, one: str, many: str) -> str:
    """'1 day' / '3 days': `many` holds %1 for the number (already translated by the caller)."""
    return one if n == 1 else many.replace("%1", str(n))


def label(
    text: str = "", role: str | None = None, wrap: bool = False, name: str = "", rich: bool = False
) -> QLabel:
    """A label showing `text` literally (file names, a document's words and errors are not
    trusted markup); `rich=True` only where the caller builds escaped HTML itself."""
    widget = QLabel()
    widget.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    widget.setText(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    if name:
        widget.setAccessibleName(name)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def button(
    text: str, name: str, role: str | None = None, shortcut: str | None = None
) -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(name)
    if role:
        widget.setProperty("role", role)
    if shortcut:
        widget.setShortcut(shortcut)
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
        scroll = QScrollArea()
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

    def refresh(self) -> None:
        """Reload what the page shows (called when it becomes visible)."""
