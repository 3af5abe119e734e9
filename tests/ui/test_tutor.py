"""The Tutor page and Settings → AI provider, driven as a person would: real profiles, the real
tutor service, and a real model server on 127.0.0.1 (tests/ai/standin.py) where a model is
needed. Waits are on conditions, never on time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QMessageBox, QPushButton

from aidioma_desktop.services import ai_settings
from aidioma_desktop.services.ai_settings import AiSettings
from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.ui.main_window import TUTOR
from aidioma_desktop.ui.tutor import TutorPage
from tests.ai.replies import FEEDBACK, SUMMARY
from tests.ai.standin import Reply, StandIn
from tests.documents.test_library import scan
from tests.ui.conftest import WAIT_MS

# ---- helpers ---------------------------------------------------------------------------


def on_worker(harness, work: Callable[[], Any]) -> Any:
    """Run `work` on the app's data worker (which owns the database) and return its result."""
    got: list[Any] = []
    harness.window.ctx.run(work, got.append)
    harness.qtbot.waitUntil(lambda: bool(got), timeout=WAIT_MS)
    return got[0]


def use_model(harness, server: StandIn, kind: str = "ollama", model: str = "tutor-small") -> None:
    learner = harness.window.ctx.learner
    url = server.url + ("/v1" if kind == "openai" else "")
    on_worker(harness, lambda: ai_settings.save(learner, AiSettings(kind, url, model), "sk-test"))


def open_tutor(harness, qtbot) -> TutorPage:
    window = harness.window
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    page = window.shell.tutor
    assert window.shell.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.start_button.isEnabled(), timeout=WAIT_MS)
    return page


def start(qtbot, page: TutorPage, scenario_id: str = "cafe_order", level: str = "beginner"):
    items = [page.scenario_list.item(i) for i in range(page.scenario_list.count())]
    (item,) = [i for i in items if i.data(Qt.ItemDataRole.UserRole) == scenario_id]
    page.scenario_list.setCurrentItem(item)
    page.level.setCurrentIndex(page.level.findData(level))
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)


def talking(qtbot, page: TutorPage) -> None:
    qtbot.waitUntil(lambda: page.view == "talk", timeout=WAIT_MS)


def say(qtbot, page: TutorPage, text: str) -> None:
    page.input.insert(text)  # may hold accents, which QTest cannot type
    qtbot.keyClick(page.input, Qt.Key.Key_Return)


def lines(page: TutorPage) -> list[str]:
    """The chat as shown: each bubble's text, in order."""
    return [b.text.text() for b in page._bubbles]


def shown_in(widget, root) -> bool:
    """Not hidden on purpose, nor inside anything hidden on purpose, up to `root`. (A widget
    added to a window on screen is shown a moment later, by a queued event: until then it is
    "hidden" too, and `isHidden` or `isVisible` would race with that.)"""
    while widget is not None and widget is not root:
        if widget.isHidden() and widget.testAttribute(
            Qt.WidgetAttribute.WA_WState_ExplicitShowHide
        ):
            return False
        widget = widget.parentWidget()
    return True


def texts(root) -> list[str]:
    return [w.text() for w in root.findChildren(QLabel) if shown_in(w, root)]


def buttons(widget, text: str) -> list[QPushButton]:
    return [b for b in widget.findChildren(QPushButton) if b.text() == text]


def scenario(scenario_id: str = "cafe_order", language: str = "es"):
    return ContentLibrary.load().scenarios_for(language)[scenario_id]


# ---- no model: the guided dialogue -----------------------------------------------------


def test_a_guided_dialogue_with_no_model(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(1)  # Practice, with its own Ctrl+H
    harness.idle()
    page = open_tutor(harness, qtbot)
    steps = scenario().guided
    assert page.connect_note.isVisible()
    assert "ollama pull llama3.2" in page.connect_note.text()
    assert "Settings → AI provider" in page.connect_note.text()
    free, document = page.scenario_list.item(0), page.scenario_list.item(1)
    assert not free.flags() & Qt.ItemFlag.ItemIsEnabled  # a free talk needs a model
    assert not document.flags() & Qt.ItemFlag.ItemIsEnabled  # so does a talk on a document
    assert page.scenario_list.count() == 16  # the 14 scenarios, the free and document talks

    start(qtbot, page)
    page.scenario_list.setCurrentRow(2)
    assert page.scenario_name.text()  # in the learner's own language
    talking(qtbot, page)
    assert lines(page) == [steps[0].persona]
    assert page.task.text() == f"Your turn: {steps[0].task['en']}"  # in the learner's language
    assert "Guided dialogue" in page.mode.text()

    say(qtbot, page, "banana split with chocolate")  # wrong: a second try
    qtbot.waitUntil(lambda: "Try once more." in texts(page.talk), timeout=WAIT_MS)
    assert any(t.startswith("✗ Not quite") for t in texts(page.talk))
    assert not page.next_button.isVisible()

    say(qtbot, page, steps[0].accept[0])
    qtbot.waitUntil(page.next_button.isVisible, timeout=WAIT_MS)
    assert any(t.startswith("✓ Correct") for t in texts(page.talk))
    assert page.goal_labels[steps[0].goal].text().startswith("✓")  # the goal ticked
    assert page.goal_labels[3].text().startswith("○")
    qtbot.keyClick(page.input, Qt.Key.Key_Return)  # Enter: Next
    assert lines(page)[-1] == steps[1].persona
    assert page.task.text() == f"Your turn: {steps[1].task['en']}"

    # Ctrl+H, as on Practice (built first: the hidden page's Ctrl+H does not interfere). A
    # button's shortcut clicks it after a short animation, hence the wait.
    qtbot.keyClick(page.input, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not page.hint.isHidden(), timeout=WAIT_MS)
    assert steps[1].accept[0].split()[0] in page.hint.text()

    conversation = page.conversation
    qtbot.mouseClick(page.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view == "summary", timeout=WAIT_MS)
    shown = texts(page.summary_view)
    assert "Goals met: 1 of 4" in shown
    assert "Worth another look" in shown  # the wrong answer, with the accepted one
    assert not any("tokens" in t for t in shown)  # no model: no cost line
    learner = harness.window.ctx.learner
    assert on_worker(harness, lambda: learner.db.turns(conversation.id)) == []
    ended = on_worker(
        harness, lambda: [e for e in learner.db.events() if e.kind == "conversation.ended"]
    )
    assert ended[-1].payload["mode"] == "guided" and ended[-1].payload["goals_met"] == 1

    qtbot.mouseClick(page.again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view == "pick" and page.start_button.isEnabled(), timeout=WAIT_MS)


def test_a_spanish_speaker_reads_the_scenarios_and_tasks_in_spanish(harness, qtbot, make_profile):
    make_profile("Lucía", primary_language="es", target_language="en")
    harness.start("Lucía")
    page = open_tutor(harness, qtbot)
    english = scenario(language="en")
    start(qtbot, page)
    assert page.scenario_name.text() == english.name["es"] == "Pedir en una cafetería"
    assert page.scenario_text.text() == english.description["es"]
    talking(qtbot, page)
    assert lines(page) == [english.guided[0].persona]  # the persona speaks English
    assert page.task.text() == f"Your turn: {english.guided[0].task['es']}"
    assert page.goal_labels[0].accessibleName() == english.goals[0]["es"]


def test_leaving_the_page_ends_the_conversation(harness, qtbot, make_profile):
    make_profile("Ana")
    window = harness.start("Ana")
    page = open_tutor(harness, qtbot)
    start(qtbot, page)
    talking(qtbot, page)
    say(qtbot, page, scenario().guided[0].accept[0])
    qtbot.waitUntil(page.next_button.isVisible, timeout=WAIT_MS)
    conversation = page.conversation
    window.shell.show_page(0)  # to Today
    qtbot.waitUntil(lambda: conversation.ended and page.view == "summary", timeout=WAIT_MS)
    learner = window.ctx.learner
    assert on_worker(harness, lambda: learner.db.turns(conversation.id)) == []
    window.shell.show_page(TUTOR)
    assert "The conversation ended when you left the page." in texts(page.summary_view)


# ---- with a model ----------------------------------------------------------------------


def test_a_model_conversation_with_feedback_cards_and_a_summary(
    harness, qtbot, make_profile, server
):
    make_profile("Ana")
    harness.start("Ana")
    use_model(harness, server)
    page = open_tutor(harness, qtbot)
    assert not page.connect_note.isVisible()
    assert page.scenario_list.item(0).flags() & Qt.ItemFlag.ItemIsEnabled  # free talk too
    start(qtbot, page)
    talking(qtbot, page)
    assert lines(page) == [scenario().opening_line("beginner")]
    assert "tutor-small" in page.mode.text()

    server.script(
        Reply(text="x", data=FEEDBACK, tokens_in=120, tokens_out=40),
        Reply(text="y", data=SUMMARY, tokens_in=300, tokens_out=60),
    )
    say(qtbot, page, "Hola, quiero un cafe con leche")
    qtbot.waitUntil(lambda: not page.sending and len(lines(page)) == 3, timeout=WAIT_MS)
    assert lines(page)[1:] == ["Hola, quiero un cafe con leche", FEEDBACK["reply"]]
    # Widgets added to a shown page show at the next turn of the event loop (Qt queues it).
    qtbot.waitUntil(lambda: "+ tostada — toast" in texts(page.talk), timeout=WAIT_MS)
    shown = texts(page.talk)
    (correction,) = [t for t in shown if "un café" in t]
    assert "un cafe" in correction and "(accent)" in correction and "tilde" in correction
    assert "+ tostada — toast" in shown, shown
    assert page.goal_labels[0].text().startswith("✓") and page.goal_labels[1].text().startswith("✓")
    assert page.goal_labels[2].text().startswith("○")
    assert "160 tokens" in page.usage.text()

    (make,) = buttons(page.talk, "Make card")
    qtbot.mouseClick(make, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: make.text() == "✓ Card made", timeout=WAIT_MS)
    assert not make.isEnabled()  # once
    learner = harness.window.ctx.learner
    cards = on_worker(harness, lambda: [e for e in learner.db.events() if e.kind == "card.added"])
    assert [(c.payload["es"], c.payload["en"]) for c in cards] == [("tostada", "toast")]

    server.script(
        Reply(
            text="Of course! A coffee with milk. Would you like something?",
            tokens_in=0,
            tokens_out=0,
        ),
        Reply(text="y", data=SUMMARY, tokens_in=300, tokens_out=60),
    )
    qtbot.mouseClick(page.translate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "In your language: Of course!" in page.hint.text(), timeout=WAIT_MS)

    conversation = page.conversation
    qtbot.mouseClick(page.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view == "summary", timeout=WAIT_MS)
    shown = texts(page.summary_view)
    assert SUMMARY["summary"] in shown
    assert "Goals met: 2 of 4" in shown
    scores = [f.accessibleName() for f in page.summary_view.findChildren(QFrame, "Score")]
    assert scores == ["Accuracy: 4/5", "Vocabulary: 3/5", "Fluency: 4/5", "Task: 3/5"]
    assert any("café, with its accent" in t for t in shown)
    assert "520 tokens · $0.00" in shown  # a local model costs nothing
    assert [b.isEnabled() for b in buttons(page.summary_view, "✓ Card made")] == [False]
    assert on_worker(harness, lambda: learner.db.turns(conversation.id)) == []


def test_stop_during_a_slow_reply_keeps_the_page_usable(harness, qtbot, make_profile, server):
    make_profile("Ana")
    window = harness.start("Ana")
    use_model(harness, server)
    page = open_tutor(harness, qtbot)
    start(qtbot, page)
    talking(qtbot, page)
    server.script(Reply(text="x", data=FEEDBACK, hold_after=4), Reply(text="Vale, ¿y de comer?"))
    say(qtbot, page, "Un café, por favor")
    qtbot.waitUntil(lambda: page.sending and bool(lines(page)[-1]), timeout=WAIT_MS)
    assert FEEDBACK["reply"].startswith(lines(page)[-1])  # the reply's first words, not JSON
    assert page.send_button.text() == "Stop"

    # While the model holds its answer, the window still answers: a hint shows, and the data
    # worker (which Practice and Review use) is free.
    qtbot.mouseClick(page.hint_button, Qt.MouseButton.LeftButton)
    assert page.hint.isVisible()
    assert on_worker(harness, lambda: window.ctx.learner.settings()["display_name"]) == "Ana"
    assert page.sending

    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)  # Stop
    qtbot.waitUntil(lambda: not page.sending, timeout=WAIT_MS)
    assert page.send_button.text() == "Send" and page.send_button.isEnabled()
    stopped = page._bubbles[-1]
    assert stopped.note.text() == "(stopped)" and not stopped.text.text().startswith("{")
    server.release.set()

    say(qtbot, page, "Nada más")  # the page goes on
    qtbot.waitUntil(lambda: not page.sending, timeout=WAIT_MS)
    assert lines(page)[-1] == "Vale, ¿y de comer?"
    assert not page.error.isVisible()
    assert any("plain text" in t for t in texts(page.talk))  # that model gave no feedback


def test_a_provider_error_is_shown_in_words(harness, qtbot, make_profile, server):
    make_profile("Ana")
    harness.start("Ana")
    use_model(harness, server, model="tutor-missing")
    page = open_tutor(harness, qtbot)
    start(qtbot, page)
    talking(qtbot, page)
    say(qtbot, page, "Hola")
    qtbot.waitUntil(page.error.isVisible, timeout=WAIT_MS)
    assert "has no model named 'tutor-missing'" in page.error.text()
    assert "ollama pull" in page.error.text()
    assert lines(page)[-1] == "Hola" and page._bubbles[-1].note.text() == "Not answered"
    assert page.send_button.text() == "Send" and page.send_button.isEnabled()


def test_consent_is_asked_once_before_words_go_to_a_cloud_service(
    harness, qtbot, make_profile, server
):
    make_profile("Ana")
    harness.start("Ana")
    use_model(harness, server, kind="anthropic")  # Anthropic is a cloud service, wherever
    page = open_tutor(harness, qtbot)
    start(qtbot, page)
    qtbot.waitUntil(lambda: page.consent_box is not None, timeout=WAIT_MS)
    assert "not on this computer" in page.consent_box.text()
    page.consent_box.button(QMessageBox.StandardButton.No).click()
    assert page.view == "pick" and "Nothing was sent" in page.error.text()
    assert server.chats == []

    start(qtbot, page)
    qtbot.waitUntil(lambda: page.consent_box is not None, timeout=WAIT_MS)
    page.consent_box.button(QMessageBox.StandardButton.Yes).click()
    talking(qtbot, page)
    server.script(Reply(text="x", data=FEEDBACK), Reply(text="y", data=SUMMARY))
    say(qtbot, page, "Hola")
    qtbot.waitUntil(lambda: lines(page)[-1] == FEEDBACK["reply"], timeout=WAIT_MS)
    qtbot.mouseClick(page.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view == "summary", timeout=WAIT_MS)
    qtbot.mouseClick(page.again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.start_button.isEnabled, timeout=WAIT_MS)
    start(qtbot, page)  # asked once: not again
    talking(qtbot, page)
    assert page.consent_box is None


def test_the_budget_warns_at_80_percent_and_stops_at_100(harness, qtbot, make_profile, server):
    make_profile("Ana")
    window = harness.start("Ana")
    learner = window.ctx.learner
    server.models = (*server.models, "claude-sonnet-4")  # priced: $3 / $15 a million tokens
    use_model(harness, server, kind="anthropic", model="claude-sonnet-4")
    on_worker(harness, lambda: learner.change_setting("ai_budget_usd", 0.014))
    page = open_tutor(harness, qtbot)
    provider = page.setup.service.provider
    on_worker(harness, lambda: ai_settings.give_consent(learner, provider))
    start(qtbot, page)
    talking(qtbot, page)
    assert not page.budget_note.isVisible()
    turn = Reply(text="x", data=FEEDBACK, tokens_in=2_000, tokens_out=400)  # $0.012 each
    server.script(turn, turn)
    say(qtbot, page, "Un café, por favor")
    qtbot.waitUntil(lambda: not page.sending and page.budget_note.isVisible(), timeout=WAIT_MS)
    assert "85 % of this month's AI budget" in page.budget_note.text()
    assert page.input.isEnabled()

    say(qtbot, page, "Y una tostada")
    qtbot.waitUntil(lambda: not page.sending and not page.input.isEnabled(), timeout=WAIT_MS)
    assert "budget is spent" in page.budget_note.text()
    assert "budget is reached" in page.error.text()
    assert not page.send_button.isEnabled() and page.end_button.isEnabled()


def test_logging_out_ends_a_conversation_whose_reply_is_under_way(
    harness, qtbot, make_profile, server, paths
):
    make_profile("Ana")
    window = harness.start("Ana")
    use_model(harness, server)
    page = open_tutor(harness, qtbot)
    start(qtbot, page)
    talking(qtbot, page)
    server.script(Reply(text="x", data=FEEDBACK, hold_after=3))
    say(qtbot, page, "Hola ZQXLOGOUT")
    qtbot.waitUntil(lambda: page.sending and bool(lines(page)[-1]), timeout=WAIT_MS)
    conversation = page.conversation
    window.logout()  # the reply is still held by the model
    harness.idle()
    qtbot.waitUntil(lambda: window.shell is None and conversation.ended, timeout=WAIT_MS)
    learner = SessionService(paths).login("Ana")
    try:
        assert learner.db.turns(conversation.id) == []
        kinds = [e.kind for e in learner.db.events()]
        assert "conversation.ended" in kinds
    finally:
        SessionService(paths).logout(learner)
    assert scan(paths.data, marker="ZQXLOGOUT") == []


# ---- Settings → AI provider ------------------------------------------------------------


def test_settings_keep_the_provider_and_the_key_only_in_the_keyring(
    harness, qtbot, make_profile, server, paths, memory_keyring, monkeypatch
):
    # The app's keyring as it is where the system has one: looked for on first use.
    monkeypatch.setattr(ai_settings, "_SECRETS", [])
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(4)
    settings = window.shell.settings
    box = settings.ai_box
    harness.idle()
    assert box.kind.currentData() == "" and not box.url.isEnabled()
    assert box.spending.text() == "No AI use this month."

    box.kind.setCurrentIndex(box.kind.findData("ollama"))
    box.kind.activated.emit(box.kind.currentIndex())
    assert box.url.text() == "http://127.0.0.1:11434"  # prefilled for the kind
    box.url.setText(server.url)
    box.url.editingFinished.emit()
    qtbot.waitUntil(lambda: "Ollama is running with 3 models" in box.state.text(), timeout=WAIT_MS)
    assert [box.model.itemText(i) for i in range(box.model.count())] == [
        "tutor-large",
        "tutor-small",
        "tutor-tiny",
    ]

    box.kind.setCurrentIndex(box.kind.findData("openai"))
    box.kind.activated.emit(box.kind.currentIndex())
    box.url.setText(server.url + "/v1")
    box.model.setCurrentText("tutor-small")
    qtbot.keyClicks(box.api_key, "sk-secret-4242")
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.state.text().startswith("Found 3 models"), timeout=WAIT_MS)
    assert server.requests[-1].headers["authorization"] == "Bearer sk-secret-4242"

    settings.ai_box.budget.setValue(5)
    qtbot.mouseClick(settings.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: settings.status.text() == "Saved.", timeout=WAIT_MS)
    harness.idle()
    assert box.api_key.text() == ""  # never shown back
    assert "stored in the system keyring" in box.api_key.placeholderText()
    learner = window.ctx.learner
    saved = on_worker(harness, lambda: ai_settings.load(learner))
    assert saved == AiSettings("openai", server.url + "/v1", "tutor-small", False)
    assert list(memory_keyring.secrets.values()) == ["sk-secret-4242"]
    assert on_worker(harness, lambda: learner.settings()["ai_budget_usd"]) == 5.0
    assert scan(paths.data, marker="sk-secret-4242") == []

    server.requests.clear()
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)  # with the stored key
    qtbot.waitUntil(lambda: box.state.text().startswith("Found 3 models"), timeout=WAIT_MS)
    assert server.requests[-1].headers["authorization"] == "Bearer sk-secret-4242"


def test_settings_test_says_what_is_wrong(harness, qtbot, make_profile, server):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(4)
    settings = window.shell.settings
    box = settings.ai_box
    harness.idle()
    box.kind.setCurrentIndex(box.kind.findData("openai"))
    box.kind.activated.emit(box.kind.currentIndex())
    box.url.setText("http://192.0.2.1/v1")  # plain http to another computer, no tick
    box.model.setCurrentText("tutor-small")
    qtbot.mouseClick(box.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.state.property("role") == "bad", timeout=WAIT_MS)
    assert "http" in box.state.text()

    box.model.setCurrentText("")
    qtbot.mouseClick(settings.save, Qt.MouseButton.LeftButton)
    assert "Name the model" in settings.status.text()


def test_talking_about_a_document_needs_one_and_sends_its_passages(
    harness, qtbot, make_profile, server, tmp_path
):
    make_profile("Ana")
    harness.start("Ana")
    use_model(harness, server)
    page = open_tutor(harness, qtbot)
    start(qtbot, page, "document")
    qtbot.waitUntil(lambda: "Add a document in the Library" in page.error.text(), timeout=WAIT_MS)

    source = tmp_path / "receta.txt"
    source.write_text("La receta de la tortilla lleva huevos, patatas y cebolla.", encoding="utf-8")
    library = harness.window.ctx.library
    on_worker(harness, lambda: library.add(source))
    qtbot.waitUntil(
        lambda: any(d.available for d in on_worker(harness, library.documents)), timeout=WAIT_MS
    )
    start(qtbot, page, "document")
    talking(qtbot, page)
    server.script(Reply(text="¡Qué rica! ¿La haces tú?"))
    say(qtbot, page, "¿Qué lleva la tortilla?")
    qtbot.waitUntil(lambda: not page.sending and len(lines(page)) == 3, timeout=WAIT_MS)
    last = server.chats[-1].body["messages"][-1]["content"]
    assert "<passage>" in last and "huevos" in last
