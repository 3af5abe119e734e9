"""An error nothing expected: said in plain words, with details to copy into a report, and
the log behind it (aidioma_desktop/logs.py). Qt's own warnings go to the log too."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType, QUrl, qInstallMessageHandler
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .. import logs

_qt_log = logging.getLogger("qt")
_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


class ErrorDialog(QMessageBox):
    """What happened, in words a person reads; the details (no answers, documents or
    passwords: `logs.describe`) to copy; the log folder to open."""

    def __init__(self, details: str, log_folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(self.tr("Something went wrong"))
        self.setText(
            self.tr(
                "AIdioma hit a problem it did not expect. What was saved before is safe: you "
                "can go on, or restart the app if something looks wrong."
            )
        )
        self.setInformativeText(
            self.tr(
                "To report it, copy the details and send them with the log file. They say "
                "where the problem is, never your answers, documents or passwords."
            )
        )
        self.setDetailedText(details)
        self.details = details
        self.copy_button = self.addButton(
            self.tr("Copy details"), QMessageBox.ButtonRole.ActionRole
        )
        self.copy_button.clicked.disconnect()  # it copies; the dialog stays open
        self.copy_button.clicked.connect(self.copy)
        self.log_button = self.addButton(
            self.tr("Open log folder"), QMessageBox.ButtonRole.ActionRole
        )
        self.log_button.clicked.disconnect()
        self.log_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_folder)))
        )
        self.addButton(QMessageBox.StandardButton.Close)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(self.tr("Copied"))


_shown: list[ErrorDialog] = []  # the one on screen: a burst of errors opens one dialog


def install(log_folder: Path) -> None:
    """Uncaught exceptions (a slot's included) go to the log and to one dialog; Qt's messages
    go to the log."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        logs.uncaught(kind, error, tb)
        if issubclass(kind, KeyboardInterrupt) or QApplication.instance() is None:
            sys.__excepthook__(kind, error, tb)
            return
        if _shown and _shown[0].isVisible():
            return
        _shown.clear()
        dialog = ErrorDialog(logs.describe(kind, error, tb), log_folder)
        _shown.append(dialog)
        dialog.open()

    sys.excepthook = hook
    qInstallMessageHandler(_qt_message)


# Qt's messages may name a file or an address (a document's name, a server's): the log keeps
# what went wrong, not where a person's files are.
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
_PATH = re.compile(r"(?:[A-Za-z]:)?[\\/](?:[^\s\\/\"']+[\\/])*[^\s\"']*")


def scrub(message: str) -> str:
    return _PATH.sub("<path>", _URL.sub("<address>", message))


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    _qt_log.log(_LEVELS.get(kind, logging.WARNING), "%s", scrub(message))
