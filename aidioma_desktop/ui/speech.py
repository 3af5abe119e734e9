"""Text to speech for the Listen button, where the system has a Spanish (or English) voice."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, QObject

log = logging.getLogger(__name__)


class Speaker:
    """Speaks a text in a language; `available` is False where the system cannot."""

    def __init__(self, parent: QObject | None = None) -> None:
        self._engine = None
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:  # the Qt speech module or its system libraries are missing
            log.info("text to speech unavailable: %s", exc)
            return
        try:
            if not QTextToSpeech.availableEngines():
                return
            engine = QTextToSpeech(parent)
            if engine.state() == QTextToSpeech.State.Error:
                return
        except Exception as exc:  # a broken speech backend must not break the app
            log.info("text to speech unavailable: %s", exc)
            return
        self._engine = engine

    def available(self, language: str) -> bool:
        if self._engine is None:
            return False
        wanted = QLocale(language).language()
        return any(QLocale(loc).language() == wanted for loc in self._engine.availableLocales())

    def say(self, text: str, language: str) -> None:
        if self._engine is None:
            return
        self._engine.stop()
        for loc in self._engine.availableLocales():
            if loc.language() == QLocale(language).language():
                self._engine.setLocale(loc)
                break
        self._engine.say(text)
