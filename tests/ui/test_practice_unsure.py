"""An answer the grader cannot judge: the Practice page says so and offers "I was right"."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import Qt

from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.content import sentence_from_item
from aidioma_desktop.services.practice import PracticeItem, PracticeService
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.store.paths import AppPaths
from tests.ui.conftest import WAIT_MS

SENTENCE = "daily_life.001"  # Me levanto a las siete todos los días.
REWORDED = "I arise at seven every day."  # a rewording the grader cannot judge: unsure
UNSURE = "Not one of the answers I know; it may still be right"


def comes_first(paths: AppPaths, content_id: str) -> None:
    """Make `content_id` the sentence the Practice page shows first: a card due now."""
    an_hour_ago = time.time_ns() // 1_000_000 - 3_600_000
    service = SessionService(paths, ManualClock(an_hour_ago))
    learner = service.login("Ana")
    item = PracticeItem(sentence_from_item(learner.db.content(content_id)), "es-en")
    PracticeService(learner).submit(item, "banana")  # wrong: due again a minute later
    service.logout(learner)


def open_practice(harness, make_profile):
    make_profile("Ana")
    comes_first(harness.paths, SENTENCE)
    window = harness.start("Ana")
    window.shell.show_page(1)
    harness.idle()
    page = window.shell.practice
    assert page.item is not None and page.item.sentence.id == SENTENCE
    return window, page


def test_i_was_right_counts_an_unsure_answer_and_undo_takes_it_back(
    harness, qtbot, make_profile, tmp_path: Path
):
    window, page = open_practice(harness, make_profile)
    page.answer.insert(REWORDED)
    qtbot.keyClick(page.answer, Qt.Key.Key_Return)
    harness.idle()
    assert page.result.unsure
    assert page.verdict.text().startswith(UNSURE) and page.verdict.property("role") == "almost"
    assert "Not quite" not in page.verdict.text()
    assert not page.feedback.isVisible()  # the verdict line says it already
    assert "I get up at seven every day." in page.accepted.text()
    assert page.i_was_right.isVisible() and not page.undo.isVisible()
    assert page.i_was_right.accessibleName().startswith("I was right")
    assert not page.right_note.isVisible()
    out = Path(os.environ.get("AIDIOMA_SCREENSHOTS") or tmp_path)  # as test_screenshots.py
    out.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(out / "practice-unsure.png"))

    qtbot.mouseClick(page.i_was_right, Qt.MouseButton.LeftButton)
    harness.idle()
    assert page.result.accepted
    assert page.verdict.text().startswith("✓ Correct") and "100/100" in page.verdict.text()
    assert page.right_note.isVisible()
    assert page.right_note.text() == "Counted as correct. This answer is accepted from now on."
    assert page.undo.isVisible() and not page.i_was_right.isVisible()
    assert not page.marked.isVisible()  # no words marked wrong in an answer that is right
    assert "average 100" in page.round.text()
    assert window.grab().save(str(out / "practice-i-was-right.png"))
    db = window.ctx.learner.db  # read once the worker is idle, as the other tests do
    assert db.accepted_answers(SENTENCE, "es-en") == [REWORDED]

    qtbot.mouseClick(page.undo, Qt.MouseButton.LeftButton)
    harness.idle()
    assert not page.result.accepted and page.verdict.text().startswith(UNSURE)
    assert page.i_was_right.isVisible() and not page.undo.isVisible()
    assert not page.right_note.isVisible()
    assert db.accepted_answers(SENTENCE, "es-en") == []

    # The shortcut: a button's shortcut clicks it after a short animation, hence the wait.
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.result.accepted, timeout=WAIT_MS)
    harness.idle()
    assert page.undo.isVisible() and db.accepted_answers(SENTENCE, "es-en") == [REWORDED]

    qtbot.keyClick(page.answer, Qt.Key.Key_Return)  # the next sentence: no buttons of the last
    harness.idle()
    assert page.result is None and page.item.sentence.id != SENTENCE
    assert not page.i_was_right.isVisible() and not page.undo.isVisible()
    assert not page.right_note.isVisible()


def test_a_wrong_answer_the_grader_is_sure_of_offers_no_i_was_right(harness, qtbot, make_profile):
    window, page = open_practice(harness, make_profile)
    qtbot.keyClicks(page.answer, "banana split with chocolate")
    qtbot.keyClick(page.answer, Qt.Key.Key_Return)
    harness.idle()
    assert not page.result.unsure and page.verdict.text().startswith("✗ Not quite")
    assert not page.i_was_right.isVisible() and not page.undo.isVisible()
    events = window.ctx.learner.db.event_count()
    page.accept_answer()  # as if pressed all the same: nothing to accept, nothing recorded
    assert not harness.runner.busy and not page.result.accepted
    assert window.ctx.learner.db.event_count() == events


def test_the_tutor_checks_an_unsure_answer_in_the_background(harness, qtbot, make_profile):
    """With a model set up, the tutor's verdict replaces "it may still be right", marked as the
    tutor's; the data worker is never held up by it."""
    from aidioma_desktop.services import ai_settings
    from tests.ai.standin import Reply, StandIn

    make_profile("Ana")
    comes_first(harness.paths, SENTENCE)
    with StandIn(key=None) as server:
        server.script(Reply(text="x", data={"verdict": "correct", "reason": "arise = get up"}))
        service = SessionService(harness.paths)
        learner = service.login("Ana")
        ai_settings.save(learner, ai_settings.AiSettings("ollama", server.url, "tutor-small"))
        service.logout(learner)
        window = harness.start("Ana")
        window.shell.show_page(1)
        harness.idle()
        page = window.shell.practice
        page.answer.insert(REWORDED)
        qtbot.keyClick(page.answer, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "checked by the tutor" in page.verdict.text(), timeout=WAIT_MS)
    assert page.verdict.text().startswith("✓ Correct") and "100/100" in page.verdict.text()
    assert page.feedback.text() == "arise = get up"
    assert not page.i_was_right.isVisible()
    harness.idle()
    kinds = [e.kind for e in window.ctx.learner.db.events()]
    assert "attempt.checked" in kinds and "answer.accepted" in kinds
