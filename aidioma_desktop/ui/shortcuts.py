"""The keyboard shortcuts sheet (F1, or the sidebar's Keyboard shortcuts): every shortcut the
app has, by page. tests/ui/test_app.py checks that each shortcut the window holds is listed."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from .widgets import label


def _t(text: str) -> str:
    return QCoreApplication.translate("Shortcuts", text)


def sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """(where, [(keys, what they do)]), in the order the sheet shows them."""
    return [
        (_t("Everywhere"), [
            ("Ctrl+1 … Ctrl+7", _t("Go to a page: 1 Today, 2 Practice … 7 Tutor")),
            ("F1", _t("This list of shortcuts")),
        ]),
        (_t("Today"), [
            ("Ctrl+Return", _t("Start practice")),
        ]),
        (_t("Practice"), [
            ("Enter", _t("Check the answer; again for the next sentence")),
            ("Ctrl+H", _t("Show a hint")),
            ("Ctrl+L", _t("Listen to the sentence")),
            ("Ctrl+N", _t("Next sentence")),
            ("Ctrl+R", _t("I was right: count my answer as correct")),
        ]),
        (_t("Review"), [
            ("Space", _t("Show the answer")),
            ("1 2 3 4", _t("Again · Hard · Good · Easy")),
        ]),
        (_t("Library"), [
            ("Ctrl+O", _t("Add files")),
        ]),
        (_t("Tutor"), [
            ("Enter", _t("Send your turn")),
            ("Ctrl+H", _t("Show a hint")),
            ("Ctrl+L", _t("Listen to the tutor's last line")),
            ("Ctrl+T", _t("The tutor's last line in your language")),
        ]),
        (_t("Settings"), [
            ("Ctrl+S", _t("Save settings")),
        ]),
    ]  # fmt: skip


class ShortcutsSheet(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setAccessibleName(self.tr("Keyboard shortcuts"))
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setColumnStretch(1, 1)
        row = 0
        for where, keys in sections():
            heading = label(where, name=where)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            grid.addWidget(heading, row, 0, 1, 2)
            row += 1
            for key, what in keys:
                key_label = QLabel(key)
                key_label.setTextFormat(Qt.TextFormat.PlainText)
                grid.addWidget(key_label, row, 0)
                grid.addWidget(label(what), row, 1)  # one line each: a wrapped one was cut
                row += 1
        layout.addLayout(grid)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    def text(self) -> str:
        """All it lists, as one text (for tests and screen readers' summaries)."""
        return " ".join(w.text() for w in self.findChildren(QLabel))
