"""Every page rendered to PNG in light and dark, so a reviewer can look at them.

Written to pytest's temporary folder, or to $AIDIOMA_SCREENSHOTS (`make screenshots` puts them
in docs/screenshots/ for the README).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from tests.ui.conftest import WAIT_MS

PAGES = ["today", "practice", "review", "progress", "settings", "library"]


def distinct_colours(image: QImage) -> int:
    step = max(1, image.width() // 80)
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1280, 800), (1024, 700)])
def test_every_page_renders_in_both_themes(harness, qtbot, make_profile, tmp_path, theme, size):
    out = Path(os.environ.get("AIDIOMA_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    make_profile("Ana")
    window = harness.start("Ana")
    window.welcome.runner  # noqa: B018 - the app is up
    settings = window.shell.settings
    settings.theme.setCurrentIndex(settings.theme.findData(theme))
    settings.theme.activated.emit(settings.theme.currentIndex())
    window.resize(*size)
    # Some history, so the charts have something to show.
    window.shell.show_page(1)
    harness.idle()
    practice = window.shell.practice
    for answer in (practice.item.references[0], "no sé", None):
        if answer is None:
            break
        practice.answer.insert(answer)
        qtbot.keyClick(practice.answer, Qt.Key.Key_Return)
        harness.idle()
        if answer != "no sé":
            qtbot.keyClick(practice.answer, Qt.Key.Key_Return)
            harness.idle()
    for index, name in enumerate(PAGES):
        window.shell.show_page(index)
        harness.idle()
        qtbot.waitUntil(lambda: not harness.runner.busy, timeout=WAIT_MS)
        image = window.grab().toImage()
        suffix = "" if size == (1280, 800) else "-small"
        image.save(str(out / f"{name}-{theme}{suffix}.png"))  # first, so a failure can be seen
        assert image.width() == size[0]
        assert distinct_colours(image) > 20, f"{name} looks blank"
        # inside the page margin, clear of a scroll bar
        background = QColor(image.pixel(image.width() - 26, image.height() // 2)).lightness()
        assert (background < 80) if theme == "dark" else (background > 200), name
    window.logout()
    harness.idle()
    welcome = window.grab().toImage()
    welcome.save(str(out / f"welcome-{theme}{'' if size == (1280, 800) else '-small'}.png"))
