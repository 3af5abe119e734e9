"""The desktop app driven as a person drives it: clicks, typing and keys, on real profiles."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDesktopServices, QShortcut, QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import WAIT_MS


def test_first_launch_creates_a_profile_and_lands_on_today(harness, qtbot):
    window = harness.start()
    welcome = window.welcome
    assert welcome.stack.currentIndex() == 1  # no profiles yet: the create form
    qtbot.keyClicks(welcome.name, "Luc")
    welcome.name.insert("ía")  # QTest types ASCII only; the input method brings the accent
    welcome.level.setCurrentIndex(welcome.level.findData("intermediate"))
    qtbot.mouseClick(welcome.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.shell is not None, timeout=WAIT_MS)
    harness.idle()
    today = window.shell.today
    assert window.windowTitle() == "Lucía"  # shown as "Lucía — AIdioma", not "AIdioma" twice
    assert today.streak.text() == "0 days"
    assert today.goal.text() == "0 / 10"
    assert "starts a new streak" in today.streak_note.text()
    # Day one: nothing due, but ten new cards to learn, and Review now leads to them.
    assert today.due.text() == "0"
    assert today.new_cards.text() == "+ 10 new cards to learn" and today.new_cards.isVisible()
    assert today.review_button.isEnabled()


def test_a_pasted_name_too_long_is_kept_whole_and_said_in_the_form(harness, qtbot):
    window = harness.start()
    welcome = window.welcome
    welcome.name.insert("M" * 300)  # a paste: kept whole, not cut at 60 without a word
    assert len(welcome.name.text()) == 300
    assert welcome.error.isVisible()
    assert welcome.error.text() == "A name can have at most 60 characters; this one has 300."
    assert not welcome.create_button.isEnabled()
    welcome.name.setText("Marta")
    assert not welcome.error.isVisible() and welcome.create_button.isEnabled()
    qtbot.mouseClick(welcome.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.shell is not None, timeout=WAIT_MS)
    page = window.shell.settings
    window.shell.show_page(4)
    harness.idle()
    events = window.ctx.learner.db.event_count()
    page.display_name.selectAll()
    page.display_name.insert("N" * 80)
    assert page.status.text() == "A name can have at most 60 characters; this one has 80."
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    harness.idle()
    assert window.ctx.learner.db.event_count() == events  # nothing saved
    assert window.ctx.learner.settings()["display_name"] == "Marta"


def test_f1_lists_every_keyboard_shortcut_the_window_has(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    for index in range(7):  # every page built, with its shortcuts
        window.shell.show_page(index)
        harness.idle()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    sheet = window.shell.shortcuts_sheet
    assert sheet is not None and sheet.isVisible()
    listed = sheet.text()
    held = {s.key().toString() for s in window.findChildren(QShortcut)}
    assert held  # Ctrl+1..7, the pages' own, F1
    for key in held:
        shown = "Ctrl+1 … Ctrl+7" if key[:5] == "Ctrl+" and key[5:].isdigit() else key
        if len(key) == 1 and key.isdigit():
            shown = "1 2 3 4"  # Review's ratings
        assert shown in listed, f"{key} is not in the shortcuts sheet"


def test_a_practice_round_with_hints_right_and_wrong_answers(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.shell.practice
    harness.idle()
    assert window.shell.stack.currentWidget() is page
    assert page.item is not None and page.instruction.text() == "Translate into English"

    # Ctrl+H, as the button's tooltip says, from the answer field: also after the button's
    # text changed with the sentence and with each hint (setText used to drop the shortcut).
    assert "Ctrl+H" in page.hint_button.toolTip()
    qtbot.keyClick(page.answer, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert page.hints.count() == 1 and page.hints_shown == 1
    if page.hint_button.isEnabled():  # a second hint, when the sentence has one
        qtbot.keyClick(page.answer, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
        assert page.hints_shown == 2
    page.answer.insert(page.item.references[0])  # may hold accents, which QTest cannot type
    qtbot.keyClick(page.answer, Qt.Key.Key_Return)
    harness.idle()
    assert page.verdict.text().startswith("✓ Correct")
    assert page.feedback_card.isVisible() and page.next.isVisible()
    assert "comes back in" in page.due_note.text()

    qtbot.keyClick(page.answer, Qt.Key.Key_Return)  # Enter again moves on
    harness.idle()
    assert page.result is None and page.answer.text() == ""
    # Wrong for sure: a made-up sentence may be a rewording the grader cannot judge (unsure).
    qtbot.keyClicks(page.answer, "banana")
    qtbot.mouseClick(page.check, Qt.MouseButton.LeftButton)
    harness.idle()
    assert page.verdict.text().startswith("✗ Not quite")
    assert "Accepted:" in page.accepted.text()
    assert "line-through" in page.marked.text() or "underline" in page.marked.text()
    assert "2 sentences this round" in page.round.text()

    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    harness.idle()
    assert window.shell.today.goal.text() == "2 / 10"
    assert window.shell.today.streak.text() == "1 day"


def test_empty_answer_is_explained_not_recorded(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(1)
    harness.idle()
    page = window.shell.practice
    qtbot.keyClick(page.answer, Qt.Key.Key_Return)
    assert page.error.isVisible() and "Type your translation" in page.error.text()
    assert page.result is None
    qtbot.keyClicks(page.answer, page.item.references[0])
    qtbot.keyClick(page.answer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)
    assert not page.error.isVisible()  # the advice went with the empty answer


def test_review_says_it_is_loading_never_all_caught_up_before_the_cards_come(
    harness, qtbot, make_profile
):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(2)  # the queue is read on a worker; its answer has not come yet
    page = window.shell.review
    assert page.loading.isVisible() and page.loading.text() == "Loading your cards…"
    assert not page.done_card.isVisible() and not page.card_frame.isVisible()
    harness.idle()
    assert not page.loading.isVisible()
    assert page.card_frame.isVisible() and page.current is not None  # 10 new cards wait


def test_a_review_round_with_keys(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    harness.idle()
    page = window.shell.review
    assert page.current is not None
    assert page.counts.text() == "10 cards left today"
    for _ in range(10):
        qtbot.keyClick(page, Qt.Key.Key_Space)
        harness.idle()
        assert all(b.isVisible() for b in page.rating_buttons.values())
        assert "\n" in page.rating_buttons[3].text()  # "Good\n10 min" style: the next due time
        qtbot.keyClick(page, Qt.Key.Key_3)
        harness.idle()
    assert page.current is None and page.done_card.isVisible()
    window.shell.show_page(0)
    harness.idle()
    assert window.shell.today.goal.text() == "10 / 10"


def test_progress_page_shows_charts_of_the_learners_history(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(2)
    harness.idle()
    review = window.shell.review
    for _ in range(3):
        qtbot.keyClick(review, Qt.Key.Key_Space)
        harness.idle()
        qtbot.keyClick(review, Qt.Key.Key_4)
        harness.idle()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    harness.idle()
    page = window.shell.progress
    assert page.totals["reviews"].text() == "3"
    assert "1 active" in page.calendar.summary() or "1 day" in page.calendar.summary()
    assert "No activity" in page.accuracy.summary()  # reviews carry no score; practice does
    assert page.levels.summary() and page.categories.summary()
    categories = page.categories
    assert len(categories._rows) == 14
    # Every category on the page (it scrolls), none cut off at the chart's foot.
    qtbot.waitUntil(
        lambda: categories.row_rect(13).bottom() <= categories.height(), timeout=WAIT_MS
    )


def test_settings_are_saved_and_used(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    harness.idle()
    page = window.shell.settings
    page.daily_goal.setValue(3)
    page.display_name.setText("Ana María")
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    harness.idle()
    assert page.status.text() == "Saved."
    assert window.statusBar().currentMessage() == "Saved."  # seen wherever the page is scrolled
    assert window.shell.who.text() == "Ana María"
    window.shell.show_page(0)
    harness.idle()
    assert window.shell.today.goal.text() == "0 / 3"


def test_settings_show_the_log_folder_and_the_credits(harness, qtbot, make_profile, monkeypatch):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(4)
    page = window.shell.settings
    assert page.logs.text() == str(harness.paths.logs)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(page.open_logs, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(harness.paths.logs)]
    about = page.about.text()  # the credits the word data's licence asks for
    assert "wordfreq" in about and "Robyn Speer" in about and "CC BY-SA 4.0" in about
    assert "simplemma" in about


def _wheel_down(widget) -> bool:
    """One notch of a mouse wheel over the middle of `widget`; whether the widget took it (a
    wheel event left untaken goes on to the widgets around it, up to the page, which scrolls:
    Qt does that for events from the window system, not for one sent by a test)."""
    middle = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        middle, QPointF(widget.mapToGlobal(middle)), QPoint(0, 0), QPoint(0, -120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def test_the_wheel_scrolls_past_settings_without_changing_them(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(4)
    harness.idle()
    page = window.shell.settings
    boxes = (page.daily_goal, page.retention, page.level, window.shell.practice.level)

    def values() -> list[object]:
        return [b.value() if hasattr(b, "value") else b.currentIndex() for b in boxes]

    before = values()
    for box in boxes:
        assert not _wheel_down(box)  # left for the page to scroll
    assert values() == before
    page.daily_goal.setFocus()  # clicked into: now the wheel is for the value
    qtbot.waitUntil(page.daily_goal.hasFocus, timeout=WAIT_MS)
    assert _wheel_down(page.daily_goal)
    assert page.daily_goal.value() == before[0] - 1


def test_settings_speak_of_the_password_there_is_and_of_remembering_in_words(
    harness, qtbot, make_profile
):
    make_profile("Ana")  # no password
    window = harness.start("Ana")
    window.shell.show_page(4)
    harness.idle()
    page = window.shell.settings
    assert not page.remove_password.isVisible()  # nothing to remove
    assert "protect this profile" in page.password.placeholderText()
    assert page.retention.text() == "90 %"  # not "0.90"
    assert "9 cards in 10" in " ".join(
        w.text() for w in page.findChildren(type(page.status)) if w.isVisible()
    )
    qtbot.keyClicks(page.password, "correct horse")
    page.retention.setValue(85)
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    harness.idle()
    assert page.status.text() == "Saved."
    assert window.ctx.learner.settings()["desired_retention"] == 0.85
    assert window.ctx.learner.has_password() and page.remove_password.isVisible()
    assert "keep it as it is" in page.password.placeholderText()
    qtbot.mouseClick(page.remove_password, Qt.MouseButton.LeftButton)
    harness.idle()
    assert page.status.text() == "The password was removed."
    assert not window.ctx.learner.has_password() and not page.remove_password.isVisible()


def test_settings_with_an_empty_name_are_not_saved_in_part(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(4)
    harness.idle()
    page = window.shell.settings
    events = window.ctx.learner.db.event_count()
    page.daily_goal.setValue(7)
    page.display_name.clear()
    qtbot.keyClicks(page.email, "a" * 300)  # longer than an address can be: stops at 254
    assert len(page.email.text()) == 254
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    harness.idle()
    assert page.status.text().startswith("Type your name")
    assert window.ctx.learner.db.event_count() == events  # not the goal without the name
    qtbot.keyClicks(page.display_name, "Ana")
    qtbot.mouseClick(page.save, Qt.MouseButton.LeftButton)
    harness.idle()
    assert page.status.text() == "Saved."
    settings = window.ctx.learner.settings()
    assert settings["daily_goal"] == 7 and settings["email"] == "a" * 254


def test_dark_theme_applies_at_once_and_is_remembered(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(4)
    harness.idle()
    page = window.shell.settings
    page.theme.setCurrentIndex(page.theme.findData("dark"))
    page.theme.activated.emit(page.theme.currentIndex())
    assert QApplication.palette().window().color().lightness() < 60
    assert harness.window.ui_settings.value("theme") == "dark"
    page.theme.setCurrentIndex(page.theme.findData("light"))
    page.theme.activated.emit(page.theme.currentIndex())
    assert QApplication.palette().window().color().lightness() > 200


def test_password_login_and_logout(harness, qtbot, make_profile):
    make_profile("Marta", password="s3cret!")
    window = harness.start()
    welcome = window.welcome
    assert welcome.password.isVisible()
    qtbot.keyClicks(welcome.password, "wrong")
    qtbot.keyClick(welcome.password, Qt.Key.Key_Return)
    harness.idle()
    assert welcome.error.isVisible() and "not right" in welcome.error.text()
    assert window.shell is None
    welcome.password.clear()
    qtbot.keyClicks(welcome.password, "s3cret!")
    qtbot.keyClick(welcome.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.shell is not None, timeout=WAIT_MS)
    harness.idle()
    learner = window.ctx.learner
    session = learner.session_id
    harness.runner.run(lambda: learner.db.add_turn(session, "talk", "user", "MARKER-ui-7731", 1))
    harness.idle()
    window.logout()
    harness.idle()
    assert window.shell is None and window.screens.currentWidget() is welcome
    for f in harness.paths.data.rglob("*"):
        if f.is_file():
            assert b"MARKER-ui-7731" not in f.read_bytes(), f


def test_start_clicked_with_the_mouse_opens_the_chosen_profile(harness, qtbot, make_profile):
    make_profile("Ana")
    make_profile("Marta", password="s3cret!")
    window = harness.start()
    welcome = window.welcome
    names = [welcome.profiles.item(i).text() for i in range(welcome.profiles.count())]
    welcome.profiles.setCurrentRow(next(i for i, n in enumerate(names) if n.startswith("Marta")))
    qtbot.keyClicks(welcome.password, "s3cret!")
    qtbot.mouseClick(welcome.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.shell is not None, timeout=WAIT_MS)
    assert window.ctx.settings["display_name"] == "Marta"
    harness.idle()
    window.logout()
    harness.idle()
    welcome.profiles.setCurrentRow(next(i for i, n in enumerate(names) if n.startswith("Ana")))
    qtbot.mouseClick(welcome.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.shell is not None, timeout=WAIT_MS)
    assert window.ctx.settings["display_name"] == "Ana" and not welcome.error.isVisible()


def test_errors_from_background_work_reach_the_user(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")

    def broken() -> None:
        raise OSError(28, "No space left on device")

    harness.runner.run(broken)
    harness.idle()
    assert "No space left on device" in window.statusBar().currentMessage()
    assert "Nothing was lost" in window.statusBar().currentMessage()


def test_window_size_and_position_are_remembered(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    window.resize(780, 700)  # within the offscreen test screen (800 x 800)
    window.move(10, 20)
    window.close()
    harness.stop()
    again = harness.start("Ana", resize=False)
    assert (again.width(), again.height()) == (780, 700)


ENDED = {"scenario_id": "cafe_order", "turns": 4, "tokens": 0, "cost": 0.0, "duration_ms": 60_000}


def test_progress_shows_the_tutors_conversations_and_the_most_frequent_corrections(
    harness, qtbot, make_profile
):
    make_profile("Ana")
    window = harness.start("Ana")
    learner = window.ctx.learner
    done = []
    window.ctx.run(
        lambda: learner.record_many(
            [
                ("conversation.ended", ENDED),
                ("feedback.recorded", {"feedback_type": "agreement", "score": 0.0}),
                ("feedback.recorded", {"feedback_type": "agreement", "score": 0.0}),
                ("feedback.recorded", {"feedback_type": "accent", "score": 0.0}),
            ]
        ),
        done.append,
    )
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    harness.idle()
    text = window.shell.progress.tutor.text()
    assert text.startswith("1 conversation")
    assert "agreement (2), accents (1)" in text
