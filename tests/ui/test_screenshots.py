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
from PySide6.QtWidgets import QApplication

from aidioma_desktop.services import ai_settings
from aidioma_desktop.services.ai_settings import AiSettings
from tests.ai.standin import Reply, StandIn
from tests.ui.conftest import WAIT_MS

# By sidebar index; the Tutor page as first seen (no model: the scenario picker). Its other
# states have a test of their own below.
PAGES = ["today", "practice", "review", "progress", "settings", "library", "tutor-picker"]


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


def save_shot(window, out: Path, name: str, theme: str) -> None:
    # Widgets just added are shown and laid out by queued events: let them run first.
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    image = window.grab().toImage()
    image.save(str(out / name))
    assert distinct_colours(image) > 20, f"{name} looks blank"
    background = QColor(image.pixel(image.width() - 26, image.height() // 2)).lightness()
    assert (background < 80) if theme == "dark" else (background > 200), name


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1280, 800), (1024, 700)])
def test_the_tutor_page_in_each_state(harness, qtbot, make_profile, tmp_path, theme, size):
    """The Tutor page: a guided dialogue under way (no model), then a conversation with a model
    (a stand-in server) with feedback on the learner's turn, and its summary. The README shows
    tutor-light.png, the conversation."""
    from tests.ui.test_tutor import FEEDBACK, SUMMARY, open_tutor, say, start

    out = Path(os.environ.get("AIDIOMA_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if size == (1280, 800) else "-small"
    make_profile("Ana")
    window = harness.start("Ana")
    settings = window.shell.settings
    settings.theme.setCurrentIndex(settings.theme.findData(theme))
    settings.theme.activated.emit(settings.theme.currentIndex())
    window.resize(*size)

    page = open_tutor(harness, qtbot)
    start(qtbot, page)
    qtbot.waitUntil(lambda: page.view == "talk", timeout=WAIT_MS)
    step = page.conversation.scenario.guided[0]
    say(qtbot, page, "Buenos días, bien")
    qtbot.waitUntil(lambda: not page.busy, timeout=WAIT_MS)
    say(qtbot, page, step.accept[0])
    qtbot.waitUntil(page.next_button.isVisible, timeout=WAIT_MS)
    qtbot.keyClick(page.input, Qt.Key.Key_Return)
    qtbot.mouseClick(page.hint_button, Qt.MouseButton.LeftButton)
    save_shot(window, out, f"tutor-guided-{theme}{suffix}.png", theme)
    qtbot.mouseClick(page.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view == "summary", timeout=WAIT_MS)

    with StandIn() as server:
        learner = window.ctx.learner
        window.ctx.run(
            lambda: ai_settings.save(learner, AiSettings("ollama", server.url, "tutor-small"))
        )
        qtbot.mouseClick(page.again, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.connect_note.isVisible(), timeout=WAIT_MS)
        qtbot.waitUntil(page.start_button.isEnabled, timeout=WAIT_MS)
        start(qtbot, page)
        qtbot.waitUntil(lambda: page.view == "talk", timeout=WAIT_MS)
        server.script(
            Reply(text="x", data=FEEDBACK, tokens_in=420, tokens_out=96),
            Reply(
                text="x",
                data={
                    "reply": "Pues hoy tenemos tostadas con tomate y tarta de manzana. "
                    "¿Qué le apetece?",
                    "corrections": [],
                    "new_words": [{"word": "apetecer", "translation": "to feel like"}],
                    "goals_met": [2],
                },
                tokens_in=560,
                tokens_out=80,
            ),
            Reply(text="y", data=SUMMARY, tokens_in=900, tokens_out=120),
        )
        say(qtbot, page, "Hola, buenos días. Quiero un cafe con leche, por favor.")
        qtbot.waitUntil(lambda: not page.sending and len(page._bubbles) == 3, timeout=WAIT_MS)
        say(qtbot, page, "¿Qué me recomienda para comer?")
        qtbot.waitUntil(lambda: not page.sending and len(page._bubbles) == 5, timeout=WAIT_MS)
        save_shot(window, out, f"tutor-{theme}{suffix}.png", theme)
        qtbot.mouseClick(page.end_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.view == "summary", timeout=WAIT_MS)
        save_shot(window, out, f"tutor-summary-{theme}{suffix}.png", theme)
