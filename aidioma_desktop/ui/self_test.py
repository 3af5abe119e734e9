"""The self-test's Qt checks: the platform plugin starts (offscreen where there is no display,
as on a server or in a smoke test), and the text-to-speech voices there are."""

from __future__ import annotations

import os
import sys


def qt_platform() -> str:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication(sys.argv[:1])
    return f"{QGuiApplication.platformName()} (Qt {qVersion()})"


def speech_voices() -> str:
    from PySide6.QtTextToSpeech import QTextToSpeech

    engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]  # mock: Qt's tests'
    voices = {loc.name() for name in engines for loc in QTextToSpeech(name).availableLocales()}
    if not voices:
        raise RuntimeError("no text-to-speech voices: Listen stays hidden")
    return f"{', '.join(engines)}: {len(voices)} languages"
