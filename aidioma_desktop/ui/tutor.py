"""Tutor: role-play one of the scenarios with the AI tutor, or its guided dialogue with no model.

The conversation's work (starting it, each turn, its end and summary) runs on the AI worker
(`Shell.ai_runner`), not on the data worker: a model may take a minute to answer, and Practice
or Review must not wait behind it. One worker keeps one conversation's turns in order. The
reply's words come back through a signal as they stream; Stop returns at once with what came.
Small data work (settings, spending, a word made a card) goes to the data worker as on every
page. Leaving the page or logging out ends the conversation, which wipes its turns.
"""

from __future__ import annotations

import html
import logging
import math
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..domain.content import Scenario
from ..domain.grading import Grade
from ..domain.usage import Spending
from ..services import ai_settings
from ..services.speaking import SpeakingError, SpeakingResult, SpeakingService
from ..services.tutor import (
    DOCUMENT_TALK,
    FREE_TALK,
    Conversation,
    GuidedResult,
    Summary,
    TurnResult,
    TutorError,
)
from ..services.tutor_page import ProviderError, TutorSetup, open_tutor
from .context import Context
from .speaking import SpeakButton
from .speech import Speaker
from .tasks import TaskRunner, readable
from .widgets import (
    Page,
    ask_yes_no,
    button,
    card,
    label,
    number,
    scrolls_past,
    take_widget,
    verdict_words,
)

log = logging.getLogger(__name__)
LEVELS = ("beginner", "intermediate", "advanced")
# A streaming reply's words reach the screen at most this often: laying out and painting a long
# reply once per word (50 a second) would stall the page; words still show as they come.
STREAM_PAINT_MS = 50
BUBBLE_SHARE = 0.8  # of the chat's width, at most


def money(value: float) -> str:
    """US dollars as the person's language writes numbers: $0.0123, or $4.50 for more."""
    decimals = 2 if value >= 1 or value == 0 else 4
    return "$" + QLocale().toString(value, "f", decimals)


class _Relay(QObject):
    """Carries the reply's words from the AI worker to the page (a queued signal). Not a child
    of the page, so a word still in flight at logout reaches nothing instead of a deleted page."""

    text = Signal(int, str)  # turn number, the next words of the reply


def ideal_width(widget: QLabel) -> int:
    """The width `widget`'s text takes on one line, in the font it is shown in."""
    widget.ensurePolished()  # the app's style sheet sets the font
    if widget.textFormat() == Qt.TextFormat.RichText:
        doc = QTextDocument()
        doc.setDefaultFont(widget.font())
        doc.setDocumentMargin(0)
        doc.setHtml(widget.text())
        return math.ceil(doc.idealWidth()) + 4
    metrics = widget.fontMetrics()
    return max((metrics.horizontalAdvance(t) for t in widget.text().splitlines()), default=0) + 4


class ReplyText(QLabel):
    """A wrapped label that works out its height for a width once per text: Qt's layouts ask
    several times per pass, and for a long streaming reply each asking lays out every word."""

    def __init__(self) -> None:
        super().__init__()
        self._height: tuple[int, str, str, int] | None = None  # width, text, font, height

    def heightForWidth(self, width: int) -> int:
        text, font = self.text(), self.font().key()  # a style or DPI change changes the font
        known = self._height
        if known is not None and known[:3] == (width, text, font):
            return known[3]
        height = super().heightForWidth(width)
        self._height = (width, text, font, height)
        return height


class Feedback(QFrame):
    """The feedback on one learner turn, under it: as wide as its longest line, at most the
    chat's share, so that it sits under the turn it is about."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName("Feedback")
        self.setAccessibleName(name)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(12, 6, 12, 8)
        self.box.setSpacing(4)
        self.wanted = 0
        self.hide()

    def add(self, widget: QLabel) -> None:
        self.box.addWidget(widget)
        self.wanted = max(self.wanted, ideal_width(widget))
        self.show()

    def add_row(self, text: QLabel, action: QPushButton) -> None:
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(text, 1, Qt.AlignmentFlag.AlignVCenter)  # the frame fits the row
        row.addWidget(action, 0, Qt.AlignmentFlag.AlignVCenter)
        self.box.addLayout(row)
        action.ensurePolished()
        self.wanted = max(self.wanted, ideal_width(text) + 8 + action.sizeHint().width())
        self.show()

    def fit(self, room: int) -> None:
        self.setFixedWidth(max(120, min(room, self.wanted + 28)))


class Bubble(QFrame):
    """One line of the chat: who says it and what, sized to its text up to `BUBBLE_SHARE` of the
    chat's width (a short "Hola" is a short bubble)."""

    def __init__(self, who: str, text: str, mine: bool) -> None:
        super().__init__()
        self.setObjectName("Mine" if mine else "Theirs")
        if not mine:
            self.setProperty("role", "card")
        self.mine = mine
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(2)
        self.who = label(who, "subtle")
        layout.addWidget(self.who)
        self.text = label(text, wrap=True, name=who, kind=ReplyText)
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.text)
        self.note = label("", "subtle", wrap=True)
        self.note.hide()
        layout.addWidget(self.note)
        self._room = 400
        self._full = False  # the text is as wide as the room: more words only add lines

    def set_text(self, text: str) -> None:
        self.text.setText(text)
        self.fit()

    def append(self, piece: str) -> None:
        self.text.setText(self.text.text() + piece)
        if not self._full:
            self.fit()

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self.fit()

    def fit(self, room: int | None = None) -> None:
        """Width for the text: its longest line, at most `room` (the chat's share)."""
        if room is not None:
            self._room = room
        wanted = max(ideal_width(self.who), ideal_width(self.note), ideal_width(self.text)) + 4
        inner = max(60, min(self._room - 28, wanted))
        self._full = inner == self._room - 28
        self.text.setFixedWidth(inner)
        self.note.setFixedWidth(inner)


class TutorPage(Page):
    """Pick a scenario, talk, see feedback turn by turn, end with a summary."""

    card_made = Signal(str)  # the word, once its card is recorded
    ended = Signal(object)  # Summary, once it is on screen

    def __init__(
        self, ctx: Context, speaker: Speaker, ai: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Tutor"), parent)
        self.ctx = ctx
        self.speaker = speaker
        self.ai = ai
        self.setup: TutorSetup | None = None
        self.spending: Spending | None = None
        self.conversation: Conversation | None = None
        self.summary: Summary | None = None
        self.sending = False  # a model's reply is under way
        self.busy = False  # a guided answer is being checked
        self.ending = False
        self.consent_box: QMessageBox | None = None
        self._scenarios: dict[str, Scenario] = {}
        self.turns = 0
        self._cancel: threading.Event | None = None  # the reply under way
        self._end_cancel: threading.Event | None = None  # the summary under way
        self._streams: dict[int, Bubble] = {}
        self._unpainted: dict[int, list[str]] = {}  # words come, not yet on screen, per turn
        self._paint = QTimer(self)
        self._paint.setSingleShot(True)
        self._paint.setInterval(STREAM_PAINT_MS)
        self._paint.timeout.connect(self._paint_words)
        self._bubbles: list[Bubble] = []
        self._word_buttons: dict[str, list[QPushButton]] = {}
        self._saved_words: set[str] = set()
        self._next_line: str | None = None
        self._last_line = ""
        self._left = False  # the conversation ended because the person left the page
        self.relay = _Relay()
        self.relay.text.connect(self._streamed)
        self.setStyleSheet(
            "#Mine { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 12px; }"
            "#Theirs { border-radius: 12px; }"
            "#Feedback { background: palette(base); border: 1px solid palette(mid);"
            " border-left: 3px solid palette(highlight); border-radius: 8px; }"
            "#Score { background: palette(alternate-base); border-radius: 8px; }"
            "#ScenarioList { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; outline: none; }"
            "#ScenarioList::item { padding: 8px 10px; border-radius: 6px; margin: 1px; }"
            "#ScenarioList::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )

        self.connect_note = label("", "subtle", wrap=True, name=self.tr("How to connect a model"))
        self.connect_note.hide()
        self.body.insertWidget(1, self.connect_note)
        self._build_picker()
        self._build_talk()
        self._build_summary()
        self.budget_note = label("", "almost", wrap=True, name=self.tr("AI budget"))
        self.budget_note.hide()
        self.body.addWidget(self.budget_note)
        self.error = label("", "bad", wrap=True, name=self.tr("Error message"))
        self.error.hide()
        self.body.addWidget(self.error)
        self._show_view("pick")

    # ---- building ---------------------------------------------------------------------

    def _build_picker(self) -> None:
        self.picker = QWidget()
        row = QHBoxLayout(self.picker)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        self.scenario_list = QListWidget()
        self.scenario_list.setObjectName("ScenarioList")
        self.scenario_list.setAccessibleName(self.tr("Scenarios"))
        self.scenario_list.setFixedWidth(270)
        self.scenario_list.currentItemChanged.connect(lambda _a, _b: self._show_details())
        self.scenario_list.itemDoubleClicked.connect(lambda _i: self.start())
        row.addWidget(self.scenario_list)

        frame, box = card(self.tr("Scenario"))
        self.scenario_name = label("", "prompt", wrap=True, name=self.tr("Scenario"))
        box.addWidget(self.scenario_name)
        self.scenario_text = label("", wrap=True, name=self.tr("What happens"))
        box.addWidget(self.scenario_text)
        self.persona_text = label("", "subtle", wrap=True, name=self.tr("Who you talk with"))
        box.addWidget(self.persona_text)
        self.goals_title = _heading(self.tr("Your goals"))
        box.addWidget(self.goals_title)
        self.goals_preview = label("", wrap=True, name=self.tr("Goals of the scenario"))
        box.addWidget(self.goals_preview)
        self.phrases_title = _heading(self.tr("Useful phrases"))
        box.addWidget(self.phrases_title)
        self.phrases = label("", wrap=True, name=self.tr("Useful phrases"), rich=True)
        box.addWidget(self.phrases)
        box.addStretch(1)
        start_row = QHBoxLayout()
        self.level = scrolls_past(QComboBox())
        self.level.setAccessibleName(self.tr("Level"))
        for value, text in zip(
            LEVELS, (self.tr("Beginner"), self.tr("Intermediate"), self.tr("Advanced")), strict=True
        ):
            self.level.addItem(text, value)
        start_row.addWidget(label(self.tr("Level"), "subtle"))
        start_row.addWidget(self.level)
        start_row.addStretch(1)
        self.start_button = button(self.tr("Start"), self.tr("Start the conversation"), "primary")
        self.start_button.clicked.connect(self.start)
        self.start_button.setEnabled(False)
        start_row.addWidget(self.start_button)
        box.addLayout(start_row)
        row.addWidget(frame, 1)
        self.body.addWidget(self.picker, 1)

    def _build_talk(self) -> None:
        self.talk = QWidget()
        outer = QVBoxLayout(self.talk)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.talk_title = label("", name=self.tr("Scenario"))
        self.talk_title.setStyleSheet("font-size: 13pt; font-weight: 700;")
        titles.addWidget(self.talk_title)
        self.mode = label("", "subtle", name=self.tr("Tutor mode"))
        titles.addWidget(self.mode)
        header.addLayout(titles, 1)
        self.hint_button = button(self.tr("Hint"), self.tr("Show a hint"), shortcut="Ctrl+H")
        self.hint_button.clicked.connect(self.show_hint)
        self.listen = button(
            self.tr("🔊 Listen"), self.tr("Listen to the tutor's last line"), shortcut="Ctrl+L"
        )
        self.listen.clicked.connect(self._listen)
        self.translate_button = button(
            self.tr("Translate"),
            self.tr("The tutor's last line in your language"),
            shortcut="Ctrl+T",
        )
        self.translate_button.clicked.connect(self.translate_last)
        self.end_button = button(self.tr("End"), self.tr("End the conversation"))
        self.end_button.clicked.connect(self.end)
        for widget in (self.hint_button, self.translate_button, self.listen, self.end_button):
            header.addWidget(widget, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(header)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        chat_column = QVBoxLayout()
        chat_column.setSpacing(8)
        self.chat_scroll = QScrollArea()
        self.chat_scroll.setWidgetResizable(True)
        self.chat_scroll.setMinimumHeight(220)
        self.chat_scroll.setAccessibleName(self.tr("Conversation"))
        self.chat_scroll.setFrameShape(QFrame.Shape.NoFrame)
        chat_body = QWidget()
        chat_body.setObjectName("PageBody")
        self.chat = QVBoxLayout(chat_body)
        self.chat.setContentsMargins(0, 0, 6, 0)
        self.chat.setSpacing(8)
        self.chat.addStretch(1)
        self.chat_scroll.setWidget(chat_body)
        bar = self.chat_scroll.verticalScrollBar()
        bar.rangeChanged.connect(lambda _lo, hi: bar.setValue(hi))  # follow the newest line
        self.chat_scroll.viewport().installEventFilter(self)
        chat_column.addWidget(self.chat_scroll, 1)

        self.task = label("", "hint", wrap=True, name=self.tr("What to say now"))
        self.task.hide()
        chat_column.addWidget(self.task)
        self.hint = label("", "hint", wrap=True, name=self.tr("Hint"))
        self.hint.hide()
        chat_column.addWidget(self.hint)
        input_row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setProperty("role", "answer")
        self.input.setAccessibleName(self.tr("Your turn"))
        self.input.setMaxLength(2000)
        self.input.returnPressed.connect(self._enter)
        input_row.addWidget(self.input, 1)
        # Say the turn aloud: what was heard is written into the field, to send or correct;
        # in a guided dialogue its words are scored against the answers the step accepts.
        self.speak = SpeakButton(self.ctx, lambda: self.ai, self._hear)
        self.speak.heard.connect(self._show_heard)
        self.speak.problem.connect(self._fail_text)
        input_row.addWidget(self.speak)
        self.send_button = button(self.tr("Send"), self.tr("Send"), "primary")
        self.send_button.clicked.connect(self.send)
        input_row.addWidget(self.send_button)
        self.next_button = button(self.tr("Next"), self.tr("Next line"), "primary")
        self.next_button.clicked.connect(self.next_line)
        self.next_button.hide()
        input_row.addWidget(self.next_button)
        chat_column.addLayout(input_row)
        columns.addLayout(chat_column, 1)

        self.goals_card, goals = card(self.tr("Goals"))
        self.goals_card.setFixedWidth(230)
        heading = label(self.tr("Goals"), name=self.tr("Goals"))
        heading.setStyleSheet("font-weight: 700;")
        goals.addWidget(heading)
        self.goal_box = QVBoxLayout()
        self.goal_box.setSpacing(6)
        goals.addLayout(self.goal_box)
        goals.addStretch(1)
        self.usage = label("", "subtle", wrap=True, name=self.tr("This conversation's use"))
        goals.addWidget(self.usage)
        self.goal_labels: list[QLabel] = []
        columns.addWidget(self.goals_card)
        outer.addLayout(columns, 1)
        self.body.addWidget(self.talk, 1)

    def _build_summary(self) -> None:
        self.summary_view = QWidget()
        outer = QVBoxLayout(self.summary_view)
        outer.setContentsMargins(0, 0, 0, 0)
        frame, self.summary_box = card(self.tr("Summary"))
        outer.addWidget(frame)
        row = QHBoxLayout()
        row.addStretch(1)
        self.again = button(self.tr("New conversation"), self.tr("New conversation"), "primary")
        self.again.clicked.connect(self.new_conversation)
        row.addWidget(self.again)
        outer.addLayout(row)
        outer.addStretch(1)
        self.body.addWidget(self.summary_view, 1)

    def _show_view(self, view: str) -> None:
        self.picker.setVisible(view == "pick")
        self.talk.setVisible(view == "talk")
        self.summary_view.setVisible(view == "summary")
        self.view = view

    # ---- loading ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read this computer's model choice and the month's spending again (Settings may have
        changed them); a conversation on screen stays as it is."""
        if self.view == "talk":
            self.input.setFocus()
            return
        learner, previous = self.ctx.learner, self.setup

        def work() -> tuple[TutorSetup, Spending, str]:
            setup = open_tutor(learner)
            return setup, setup.service.spending(), learner.settings()["level"]

        def loaded(result: tuple[TutorSetup, Spending, str]) -> None:
            # The provider replaced lets go of its connections (on the AI worker: closing one
            # may wait on the network), unless a conversation still uses it.
            ended = self.conversation is None or self.conversation.ended
            if previous is not None and previous.service.provider is not None and ended:
                self.ai.run(previous.service.provider.close)
            self._loaded(*result)

        self.ctx.run(work, loaded, self._fail)

    def _loaded(self, setup: TutorSetup, spending: Spending, level: str) -> None:
        self.setup, self.spending = setup, spending
        speaks = setup.service.speaks
        chosen = self.scenario_list.currentItem()
        chosen_id = chosen.data(Qt.ItemDataRole.UserRole) if chosen else None
        self.scenario_list.clear()
        model = setup.service.provider is not None
        free = QListWidgetItem(self.tr("Free conversation"))
        free.setData(Qt.ItemDataRole.UserRole, FREE_TALK)
        if not model:
            free.setFlags(free.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            free.setToolTip(self.tr("A free conversation needs an AI model."))
        self.scenario_list.addItem(free)
        document = QListWidgetItem(self.tr("Talk about my document"))
        document.setData(Qt.ItemDataRole.UserRole, DOCUMENT_TALK)
        if not model:
            document.setFlags(document.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            document.setToolTip(self.tr("A talk about your document needs an AI model."))
        self.scenario_list.addItem(document)
        self._scenarios = {s.id: s for s in setup.service.scenarios()}
        for scenario in self._scenarios.values():
            item = QListWidgetItem(scenario.name[speaks])
            item.setData(Qt.ItemDataRole.UserRole, scenario.id)
            item.setToolTip(scenario.description[speaks])
            self.scenario_list.addItem(item)
        row = 2  # the first scenario (after the free talk and the document talk)
        for index in range(self.scenario_list.count()):
            item = self.scenario_list.item(index)
            if item.data(Qt.ItemDataRole.UserRole) == chosen_id and item.flags() & (
                Qt.ItemFlag.ItemIsEnabled
            ):
                row = index
        self.scenario_list.setCurrentRow(row)
        if self.view == "pick":
            self.level.setCurrentIndex(max(0, self.level.findData(level)))
        self._show_connect_note()
        self._show_budget(spending)
        self.start_button.setEnabled(True)

    def _show_connect_note(self) -> None:
        setup = self.setup
        if setup is None or setup.service.provider is not None:
            self.connect_note.hide()
            return
        text = self.tr(
            "No AI model is set up, so each scenario runs as a guided dialogue, checked on this "
            "computer. To talk freely: install Ollama (ollama.com), run `ollama pull llama3.2`, "
            "then choose it in Settings → AI provider."
        )
        if setup.problem:
            text = setup.problem + " " + text
        self.connect_note.setText(text)
        self.connect_note.setProperty("role", "bad" if setup.problem else "subtle")
        self.connect_note.style().polish(self.connect_note)
        self.connect_note.show()

    def _show_details(self) -> None:
        item = self.scenario_list.currentItem()
        if item is None or self.setup is None:
            return
        speaks = self.setup.service.speaks
        scenario = self._scenarios.get(item.data(Qt.ItemDataRole.UserRole))
        if item.data(Qt.ItemDataRole.UserRole) == DOCUMENT_TALK:
            self.scenario_name.setText(self.tr("Talk about my document"))
            self.scenario_text.setText(
                self.tr(
                    "Talk about the documents you added to the Library in this session: each of "
                    "your turns goes to the tutor with the passages closest to it."
                )
            )
            self.persona_text.setText("")
            for widget in (self.goals_title, self.goals_preview, self.phrases_title, self.phrases):
                widget.hide()
            return
        if scenario is None:
            self.scenario_name.setText(self.tr("Free conversation"))
            self.scenario_text.setText(
                self.tr(
                    "Talk about whatever you like with a friendly partner, who answers in the "
                    "language you are learning and points out your mistakes as you go."
                )
            )
            self.persona_text.setText("")
            for widget in (self.goals_title, self.goals_preview, self.phrases_title, self.phrases):
                widget.hide()
            return
        self.scenario_name.setText(scenario.name[speaks])
        self.scenario_text.setText(scenario.description[speaks])
        persona = scenario.persona
        self.persona_text.setText(
            self.tr("You talk with %1, %2.")
            .replace("%1", str(persona["name"]))
            .replace("%2", str(persona["role"]))
        )
        self.goals_preview.setText("\n".join(f"•  {g[speaks]}" for g in scenario.goals))
        learns = self.setup.service.learns
        self.phrases.setText(
            "<br>".join(
                f"<b>{html.escape(p[learns])}</b> — {html.escape(p[speaks])}"
                for p in scenario.useful_phrases[:6]
            )
        )
        self.goals_title.show()
        self.goals_preview.show()
        self.phrases_title.setVisible(bool(scenario.useful_phrases))
        self.phrases.setVisible(bool(scenario.useful_phrases))

    # ---- starting ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the chosen scenario; before the first turn to a cloud service, ask once."""
        item = self.scenario_list.currentItem()
        setup = self.setup
        if item is None or setup is None or self.conversation_running:
            return
        scenario_id = str(item.data(Qt.ItemDataRole.UserRole))
        level = str(self.level.currentData())
        provider = setup.service.provider
        self.error.hide()
        self.start_button.setEnabled(False)
        if provider is None:
            self._begin(scenario_id, level)
            return
        learner = self.ctx.learner

        def asked(need: bool) -> None:
            if need:
                self._ask_consent(scenario_id, level)
            else:
                self._begin(scenario_id, level)

        self.ctx.run(lambda: ai_settings.needs_consent(learner, provider), asked, self._fail)

    def _ask_consent(self, scenario_id: str, level: str) -> None:
        assert self.setup is not None and self.setup.service.provider is not None
        provider = self.setup.service.provider
        learner = self.ctx.learner

        def answered(yes: bool) -> None:
            self.consent_box = None
            if not yes:
                self.start_button.setEnabled(True)
                self._fail_text(self.tr("Nothing was sent. Choose another model in Settings."))
                return
            self.ctx.run(
                lambda: ai_settings.give_consent(learner, provider),
                lambda _r: self._begin(scenario_id, level),
                self._fail,
            )

        self.consent_box = ask_yes_no(
            self,
            self.tr("Send your words to %1?").replace("%1", provider.label),
            ai_settings.consent_question(provider),
            answered,
        )

    def _begin(self, scenario_id: str, level: str) -> None:
        assert self.setup is not None
        service = self.setup.service

        library = self.ctx.library

        def passages(question: str) -> list[str]:
            return [p.text for p in library.search(question, 3)]

        def work() -> tuple[Conversation, str]:
            if scenario_id == DOCUMENT_TALK and not any(d.available for d in library.documents()):
                raise TutorError(
                    "Add a document in the Library first (this session), then talk about it here."
                )
            conversation = service.start(scenario_id, level, passages=passages)
            return conversation, conversation.opening()

        self.ai.run(work, lambda r: self._started(*r), self._fail)

    def _started(self, conversation: Conversation, opening: str) -> None:
        assert self.setup is not None
        self.conversation, self.summary = conversation, None
        self.sending = self.ending = self._left = False
        self._next_line = None
        self._clear_chat()
        speaks = self.setup.service.speaks
        scenario = conversation.scenario
        self.talk_title.setText(
            scenario.name[speaks] if scenario is not None else self.tr("Free conversation")
        )
        level = self.level.currentText()
        if conversation.guided:
            self.mode.setText(
                self.tr("Guided dialogue · %1 · answers checked on this computer").replace(
                    "%1", level
                )
            )
        else:
            self.mode.setText(f"{self.setup.model_label} · {level}")
        self._fill_goals(scenario)
        self._say(opening)
        self.listen.setVisible(self.speaker.available(self.setup.service.learns))
        self.hint_button.setEnabled(True)
        self.translate_button.setEnabled(True)
        self.end_button.setEnabled(True)
        self.end_button.setProperty("role", None)
        self.end_button.style().polish(self.end_button)
        self.input.clear()
        self.input.setReadOnly(False)
        self.input.setEnabled(True)
        self.speak.setEnabled(True)
        self.input.setPlaceholderText(
            self.tr("Type your answer and press Enter")
            if conversation.guided
            else self.tr("Say something and press Enter")
        )
        self._show_task()
        self._set_sending(False)
        self.error.hide()
        self.start_button.setEnabled(True)
        self._show_view("talk")
        self._show_usage()
        self.input.setFocus()

    def _fill_goals(self, scenario: Scenario | None) -> None:
        while self.goal_box.count():
            widget = take_widget(self.goal_box, 0)
            if widget is not None:
                widget.deleteLater()
        self.goal_labels = []
        assert self.setup is not None
        speaks = self.setup.service.speaks
        if scenario is None:
            self.goal_box.addWidget(
                label(self.tr("No goals: talk about whatever you like."), "subtle", wrap=True)
            )
            return
        for goal in scenario.goals:
            line = label(f"○  {goal[speaks]}", wrap=True, name=goal[speaks])
            self.goal_labels.append(line)
            self.goal_box.addWidget(line)

    @property
    def conversation_running(self) -> bool:
        return self.conversation is not None and not self.conversation.ended and not self.ending

    # ---- the chat ---------------------------------------------------------------------

    def _clear_chat(self) -> None:
        while self.chat.count() > 1:  # the stretch on top stays
            widget = take_widget(self.chat, 1)
            if widget is not None:
                widget.deleteLater()
        self._bubbles, self._streams, self._unpainted = [], {}, {}
        self._word_buttons, self._saved_words = {}, set()
        self.hint.hide()
        self.task.hide()

    def _room(self) -> int:
        return int(self.chat_scroll.viewport().width() * BUBBLE_SHARE)

    def _add_bubble(self, bubble: Bubble, feedback: Feedback | None = None) -> None:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if bubble.mine:
            row.addStretch(1)
        row.addWidget(bubble)
        if not bubble.mine:
            row.addStretch(1)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(row)
        if feedback is not None:
            line = QHBoxLayout()
            line.addStretch(1)
            line.addWidget(feedback)
            column.addLayout(line)
        self.chat.addWidget(holder)
        self._bubbles.append(bubble)
        bubble.fit(self._room())
        if feedback is not None:
            feedback.fit(self._room())

    def _say(self, line: str) -> Bubble:
        """A line of the persona's."""
        bubble = Bubble(self._persona_name(), line, mine=False)
        self._add_bubble(bubble)
        if line:
            self._last_line = line
        return bubble

    def _mine(self, text: str, feedback: Feedback) -> Bubble:
        """A turn of the learner's, with room below it for its feedback."""
        bubble = Bubble(self.tr("You"), text, mine=True)
        self._add_bubble(bubble, feedback)
        return bubble

    def _persona_name(self) -> str:
        conversation = self.conversation
        if conversation is not None and conversation.scenario is not None:
            return str(conversation.scenario.persona["name"])
        return self.tr("Tutor")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.chat_scroll.viewport():
            room = self._room()
            for bubble in self._bubbles:
                bubble.fit(room)
            for index in range(1, self.chat.count()):
                item = self.chat.itemAt(index)
                holder = item.widget() if item is not None else None
                feedback = holder.findChild(Feedback) if holder else None
                if feedback is not None:
                    feedback.fit(room)
        return super().eventFilter(watched, event)

    # ---- a turn -----------------------------------------------------------------------

    def _enter(self) -> None:
        if self.next_button.isVisible():
            self.next_line()
        elif not self.sending:
            self.send()

    def send(self) -> None:
        """Send the learner's turn (Send, Enter); while a reply comes, the button stops it."""
        if self.sending:
            self.stop()
            return
        conversation = self.conversation
        if conversation is None or not self.conversation_running or self.busy:
            return
        text = self.input.text().strip()
        if not text:
            self._fail_text(self.tr("Type what you want to say first."))
            return
        self.error.hide()
        self.hint.hide()
        if conversation.guided:
            self._answer(conversation, text)
        else:
            self._send(conversation, text)

    def _send(self, conversation: Conversation, text: str) -> None:
        self.turns += 1
        turn = self.turns
        cancel = self._cancel = threading.Event()
        relay, service = self.relay, conversation.service

        def work() -> tuple[TurnResult, Spending]:
            result = conversation.send(
                text, on_text=lambda piece: relay.text.emit(turn, piece), cancelled=cancel.is_set
            )
            return result, service.spending()

        # The call goes first, the bubbles are built while it travels: the reply's words come
        # through queued signals, so they reach the page after this method has built them.
        bubbles: list[Bubble] = []
        feedback = Feedback(self.tr("Feedback on your turn"))
        self.ai.run(
            work,
            lambda r: self._replied(turn, feedback, *r),
            lambda e: self._not_replied(turn, bubbles[0], text, e),
        )
        bubbles.append(self._mine(text, feedback))
        theirs = self._say("")
        theirs.set_note(self.tr("…"))
        self._streams[turn] = theirs
        self.input.clear()
        self._set_sending(True)

    def _streamed(self, turn: int, piece: str) -> None:
        bubble = self._streams.get(turn)
        if bubble is None:
            return
        if not bubble.text.text():  # the first words show at once
            bubble.set_note("")
            bubble.append(piece)
            return
        self._unpainted.setdefault(turn, []).append(piece)
        if not self._paint.isActive():
            self._paint.start()

    def _paint_words(self) -> None:
        """The words that came since the last paint, in one go."""
        unpainted, self._unpainted = self._unpainted, {}
        for turn, pieces in unpainted.items():
            bubble = self._streams.get(turn)
            if bubble is not None:
                bubble.append("".join(pieces))

    def stop(self) -> None:
        """Stop the reply under way: what came so far stays."""
        if self._cancel is not None:
            self._cancel.set()
        self.send_button.setEnabled(False)
        self.send_button.setText(self.tr("Stopping…"))

    def _replied(self, turn: int, feedback: Feedback, result: TurnResult, spent: Any) -> None:
        self._paint_words()
        bubble = self._streams.pop(turn, None)
        self._set_sending(False)
        if bubble is None:
            return
        reply = result.reply
        if result.stopped:  # what streamed is the reply's words; the rest of the JSON never came
            bubble.set_note(self.tr("(stopped)"))
        else:
            bubble.set_text(reply.text)
            bubble.set_note("")
        self._last_line = bubble.text.text() or self._last_line
        self._show_feedback(feedback, result)
        self._tick_goals()
        self.spending = spent
        self._show_budget(spent)
        self._show_usage()
        if result.budget_reached:
            self._fail_text(
                self.tr(
                    "This month's AI budget is reached, so the conversation ends here. "
                    "Press End to see how you did."
                )
            )
            self.input.setEnabled(False)
            self.speak.cancel()
            self.speak.setEnabled(False)
            self.send_button.setEnabled(False)
            self._emphasise_end()
        else:
            self.input.setFocus()

    def _not_replied(self, turn: int, mine: Bubble, text: str, error: BaseException) -> None:
        self._paint_words()
        bubble = self._streams.pop(turn, None)
        self._set_sending(False)
        if bubble is None:
            return
        partial = isinstance(error, ProviderError) and error.partial is not None
        if partial and bubble.text.text():
            bubble.set_note(self.tr("(cut off)"))
            self._last_line = bubble.text.text()
        else:
            self._remove(bubble)
            if isinstance(error, ProviderError):
                mine.set_note(self.tr("Not answered"))
            else:  # refused before anything was sent (the budget): the turn is taken back
                self._remove(mine)
                if not self.input.text():
                    self.input.setText(text)
        self._fail_text(readable(error))
        self.input.setFocus()

    def _remove(self, bubble: Bubble) -> None:
        if bubble in self._bubbles:
            self._bubbles.remove(bubble)
        holder = bubble.parentWidget()
        if holder is not None:
            self.chat.removeWidget(holder)
            holder.deleteLater()

    def _set_sending(self, sending: bool) -> None:
        self.sending = sending
        self.send_button.setEnabled(True)
        self.send_button.setText(self.tr("Stop") if sending else self.tr("Send"))
        self.send_button.setAccessibleName(
            self.tr("Stop the reply") if sending else self.tr("Send")
        )
        self.send_button.setProperty("role", "danger" if sending else "primary")
        self.send_button.style().polish(self.send_button)
        self.input.setReadOnly(sending)

    def _show_feedback(self, feedback: Feedback, result: TurnResult) -> None:
        reply = result.reply
        for c in reply.corrections:
            text = (
                f"✎ <s>{html.escape(c.wrong)}</s> → <b>{html.escape(c.right)}</b> "
                f"({html.escape(self._kind(c.kind))})"
            )
            if c.reason:
                text += ": " + html.escape(c.reason)
            feedback.add(label(text, wrap=True, name=self.tr("Correction"), rich=True))
        for word in reply.new_words:
            feedback.add_row(*self._word(word.word, word.translation))
        if reply.structured and not reply.corrections:
            feedback.add(label(self.tr("✓ No mistakes in this turn."), "good", wrap=True))
        if not reply.structured and not result.stopped:
            feedback.add(
                label(
                    self.tr("No feedback on this turn: the model answered in plain text."),
                    "subtle",
                    wrap=True,
                )
            )
        feedback.fit(self._room())

    def _word(self, word: str, translation: str) -> tuple[QLabel, QPushButton]:
        """A new word and its Make card button (one card per word: the button says so once
        pressed, here and in the summary)."""
        text = label(f"+ {word} — {translation}", wrap=True, name=self.tr("New word"))
        text.setMinimumWidth(min(ideal_width(text), 320))  # wrapped only when long
        make = button(self.tr("Make card"), self.tr("Make a review card of %1").replace("%1", word))
        make.clicked.connect(lambda: self.make_card(word, translation))
        self._word_buttons.setdefault(word, []).append(make)
        if word in self._saved_words:
            self._mark_made(make)
        return text, make

    def make_card(self, word: str, translation: str) -> None:
        """Record the word as a review card, once."""
        if word in self._saved_words or self.setup is None:
            return
        self._saved_words.add(word)
        for b in self._word_buttons.get(word, []):
            b.setEnabled(False)
        service = self.setup.service
        conversation = self.conversation
        scenario_id = conversation.scenario_id if conversation is not None else FREE_TALK

        def failed(error: BaseException) -> None:
            self._saved_words.discard(word)
            for b in self._word_buttons.get(word, []):
                b.setEnabled(True)
            self._fail(error)

        self.ctx.run(
            lambda: service.save_word(word, translation, scenario_id),
            lambda _r: self._card_made(word),
            failed,
        )

    def _card_made(self, word: str) -> None:
        for b in self._word_buttons.get(word, []):
            self._mark_made(b)
        self.card_made.emit(word)

    def _mark_made(self, b: QPushButton) -> None:
        b.setEnabled(False)
        b.setText(self.tr("✓ Card made"))

    def _kind(self, kind: str) -> str:
        return {
            "grammar": self.tr("grammar"),
            "verb_form": self.tr("verb form"),
            "agreement": self.tr("agreement"),
            "word_order": self.tr("word order"),
            "vocabulary": self.tr("vocabulary"),
            "spelling": self.tr("spelling"),
            "accent": self.tr("accent"),
            "preposition": self.tr("preposition"),
            "register": self.tr("register"),
            "pronunciation": self.tr("pronunciation"),
        }.get(kind, kind)

    def _tick_goals(self) -> None:
        conversation = self.conversation
        if conversation is None:
            return
        for index, line in enumerate(self.goal_labels):
            met = index in conversation.goals_met
            text = line.accessibleName()
            line.setText(f"{'✓' if met else '○'}  {text}")
            line.setProperty("role", "good" if met else None)
            line.style().polish(line)

    def _show_usage(self) -> None:
        conversation = self.conversation
        if conversation is None or conversation.guided:
            self.usage.setText("")
            return
        tokens = conversation.tokens_in + conversation.tokens_out
        self.usage.setText(
            self.tr("This conversation: %1 tokens · %2")
            .replace("%1", number(tokens))
            .replace("%2", money(conversation.cost))
        )

    # ---- the guided dialogue ----------------------------------------------------------

    def _show_task(self) -> None:
        conversation = self.conversation
        if conversation is None or not conversation.guided:
            self.task.hide()
            return
        task = conversation.task()
        self.task.setText(self.tr("Your turn: %1").replace("%1", task) if task else "")
        self.task.setVisible(bool(task))

    def _answer(self, conversation: Conversation, text: str) -> None:
        feedback = Feedback(self.tr("Feedback on your turn"))
        self._mine(text, feedback)
        self.input.clear()
        self.busy = True
        self.send_button.setEnabled(False)

        def failed(error: BaseException) -> None:
            self.busy = False
            self.send_button.setEnabled(True)
            self._fail(error)

        self.ai.run(lambda: conversation.answer(text), lambda r: self._graded(feedback, r), failed)

    def _graded(self, feedback: Feedback, result: GuidedResult) -> None:
        self.busy = False
        self.send_button.setEnabled(True)
        self._show_grade(feedback, result.grade)
        self._tick_goals()
        if not result.moved_on:
            feedback.add(label(self.tr("Try once more."), "subtle", wrap=True))
            feedback.fit(self._room())
            self.input.setFocus()
            return
        self._next_line = result.next_line
        self.input.setReadOnly(True)
        self.send_button.hide()
        self.next_button.show()
        self.next_button.setFocus()
        self.task.hide()

    def _show_grade(self, feedback: Feedback, g: Grade) -> None:
        """The grade as Practice shows it: the verdict and score, why, the accepted answer."""
        if g.unsure:
            text, role = self.tr("Not one of the answers I know; it may still be right"), "almost"
        else:
            text, role = verdict_words(g.verdict)
        feedback.add(label(f"{text}  ·  {g.score}/100", role, name=self.tr("Verdict")))
        if g.feedback and not g.unsure:
            feedback.add(label(g.feedback, wrap=True, name=self.tr("Feedback")))
        if g.verdict != "correct" or g.unsure:
            accepted = self.tr("Accepted: %1").replace("%1", f"<b>{html.escape(g.reference)}</b>")
            feedback.add(label(accepted, wrap=True, name=self.tr("Accepted answer"), rich=True))
        feedback.fit(self._room())

    def next_line(self) -> None:
        """After a graded answer: the persona's next line and the next task."""
        if not self.next_button.isVisible():
            return
        self.next_button.hide()
        self.send_button.show()
        line, self._next_line = self._next_line, None
        if line:
            self._say(line)
            self.input.setReadOnly(False)
            self._show_task()
            self.input.setFocus()
            return
        self.task.setText(
            self.tr("That is the end of this dialogue. Press End to see how you did.")
        )
        self.task.show()
        self.input.setEnabled(False)
        self.send_button.setEnabled(False)
        self.hint_button.setEnabled(False)
        self.translate_button.setEnabled(False)
        self._emphasise_end()

    def _emphasise_end(self) -> None:
        self.end_button.setProperty("role", "primary")
        self.end_button.style().polish(self.end_button)
        self.end_button.setFocus()

    # ---- hint, listen -----------------------------------------------------------------

    def show_hint(self) -> None:
        conversation = self.conversation
        if conversation is None or not self.conversation_running:
            return
        text = conversation.hint()  # from the scenario in memory: no disk, no model
        self.hint.setText(
            self.tr("Hint: %1").replace("%1", text)
            if text
            else self.tr("No more hints: say it your own way.")
        )
        self.hint.show()

    def translate_last(self) -> None:
        """The tutor's last line in the learner's language, on the model worker (the model is
        asked; in a guided dialogue, the task that goes with the line)."""
        conversation = self.conversation
        if conversation is None or not self.conversation_running:
            return
        self.translate_button.setEnabled(False)

        def shown(text: str) -> None:
            self.translate_button.setEnabled(True)
            if text:
                self.hint.setText(self.tr("In your language: %1").replace("%1", text))
                self.hint.show()

        def failed(error: BaseException) -> None:
            self.translate_button.setEnabled(True)
            self._fail(error)

        self.ai.run(conversation.translate_last, shown, failed)

    def _hear(self) -> Callable[[SpeakingService, bytes], SpeakingResult | str]:
        """What to do with the recording, fixed when it stops (on the UI thread): written down,
        and scored where the step then says what is expected."""
        conversation = self.conversation
        if conversation is None:
            raise SpeakingError("There is no conversation to speak in.")  # the button is off
        language = conversation.service.learns
        step = conversation.current_step() if conversation.guided else None
        accept = step.accept if step is not None else None

        def hear(service: SpeakingService, audio: bytes) -> SpeakingResult | str:
            if accept is None:
                return service.transcribe(audio, language)
            return service.check(audio, accept, language, None)

        return hear

    def _show_heard(self, heard: SpeakingResult | str) -> None:
        if not self.conversation_running or self.sending:
            return
        said = heard if isinstance(heard, str) else heard.transcript
        self.input.setText(said)
        self.input.setFocus()
        if isinstance(heard, SpeakingResult):
            text = self.tr("Pronunciation: %1 % of the words heard.").replace(
                "%1", str(heard.score)
            )
            if heard.missed:
                text += " " + self.tr("Not heard: %1").replace("%1", ", ".join(heard.missed))
            self.hint.setText(text)
            self.hint.show()

    def _listen(self) -> None:
        if self._last_line and self.setup is not None:
            self.speaker.say(self._last_line, self.setup.service.learns)

    # ---- the end ----------------------------------------------------------------------

    def end(self) -> None:
        """End the conversation: a reply under way stops, the summary comes (from the model
        where there is one), the turns are wiped."""
        conversation = self.conversation
        if conversation is None or not self.conversation_running:
            return
        self.ending = True
        if self._cancel is not None:
            self._cancel.set()
        cancel = self._end_cancel = threading.Event()
        self.end_button.setEnabled(False)
        self.send_button.setEnabled(False)
        self.hint_button.setEnabled(False)
        self.translate_button.setEnabled(False)
        self.input.setEnabled(False)
        self.speak.cancel()
        self.speak.setEnabled(False)
        self.task.setText(self.tr("Ending the conversation…"))
        self.task.show()
        self.ai.run(lambda: conversation.end(cancel.is_set), self._ended, self._end_failed)

    def leave(self) -> None:
        """The person went to another page: the conversation ends (its summary waits here)."""
        if self.conversation_running:
            self._left = True
            self.end()

    def _ended(self, summary: Summary) -> None:
        self.ending = False
        self.summary = summary
        self._show_summary(summary)
        self._show_view("summary")
        self.ended.emit(summary)

    def _end_failed(self, error: BaseException) -> None:
        self.ending = False
        self._show_view("pick")
        self._fail(error)

    def _show_summary(self, s: Summary) -> None:
        box = self.summary_box
        _clear_layout(box)
        assert self.setup is not None
        title = label(self.tr("How it went"), "prompt", name=self.tr("How it went"))
        box.addWidget(title)
        if self._left:
            box.addWidget(
                label(
                    self.tr("The conversation ended when you left the page."), "subtle", wrap=True
                )
            )
        turns = self.tr("%1 turns").replace("%1", number(s.turns))
        if s.turns == 1:
            turns = self.tr("1 turn")
        box.addWidget(label(f"{self.talk_title.text()} · {turns}", "subtle", wrap=True))
        if s.text:
            box.addWidget(label(s.text, wrap=True, name=self.tr("The tutor's summary")))
        if s.rubric is not None:
            r = s.rubric
            scores = QHBoxLayout()
            scores.setSpacing(10)
            for name, value in (
                (self.tr("Accuracy"), r.accuracy),
                (self.tr("Vocabulary"), r.vocabulary),
                (self.tr("Fluency"), r.fluency),
                (self.tr("Task"), r.task),
            ):
                scores.addWidget(_score(name, value))
            scores.addStretch(1)
            box.addSpacing(4)
            box.addLayout(scores)
        if s.goals:
            box.addWidget(
                _heading(
                    self.tr("Goals met: %1 of %2")
                    .replace("%1", str(len(s.goals_met)))
                    .replace("%2", str(len(s.goals)))
                )
            )
            for index, goal in enumerate(s.goals):
                met = index in s.goals_met
                box.addWidget(
                    label(f"{'✓' if met else '○'}  {goal}", "good" if met else None, wrap=True)
                )
        if s.corrections:
            box.addWidget(_heading(self.tr("Worth another look")))
            for wrong, right, why in s.corrections:
                text = f"✎ {html.escape(wrong)}"
                if right:
                    text = f"✎ <s>{html.escape(wrong)}</s> → <b>{html.escape(right)}</b>"
                if why:
                    text += ": " + html.escape(why)
                box.addWidget(label(text, wrap=True, name=self.tr("Correction"), rich=True))
        if s.new_words:
            box.addWidget(_heading(self.tr("New words")))
            for word, translation in s.new_words:
                word_label, make = self._word(word, translation)
                row = QHBoxLayout()
                row.setSpacing(8)
                row.addWidget(word_label, 0, Qt.AlignmentFlag.AlignVCenter)
                row.addWidget(make)
                row.addStretch(1)
                box.addLayout(row)
        conversation = self.conversation
        if conversation is not None and not conversation.guided:
            box.addWidget(
                label(
                    self.tr("%1 tokens · %2")
                    .replace("%1", number(s.tokens))
                    .replace("%2", money(s.cost_usd)),
                    "subtle",
                    name=self.tr("Tokens and cost"),
                )
            )
        elif not s.turns:
            box.addWidget(label(self.tr("No turns were answered."), "subtle"))

    def new_conversation(self) -> None:
        self.conversation = self.summary = None
        self.error.hide()
        self._show_view("pick")
        self.refresh()

    # ---- logout -----------------------------------------------------------------------

    def stop_all(self) -> Conversation | None:
        """At logout: every call under way stops now. The conversation still to end (on the
        data worker, once the AI worker has stopped), or None."""
        for event in (self._cancel, self._end_cancel):
            if event is not None:
                event.set()
        conversation = self.conversation
        return conversation if conversation is not None and not conversation.ended else None

    # ---- messages ---------------------------------------------------------------------

    def _show_budget(self, spending: Spending | None) -> None:
        setup = self.setup
        if spending is None or setup is None or setup.service.provider is None:
            self.budget_note.hide()
            return
        budget = spending.budget_usd or 0.0
        if spending.exhausted:
            text = self.tr(
                "This month's AI budget is spent (%1 of %2): the tutor makes no more calls "
                "until next month. Change the budget in Settings → AI provider."
            )
            role = "bad"
        elif spending.warn:
            text = self.tr("You have used %3 % of this month's AI budget (%1 of %2).")
            role = "almost"
        else:
            self.budget_note.hide()
            return
        share = int((spending.share or 0) * 100)
        self.budget_note.setText(
            text.replace("%1", money(spending.total))
            .replace("%2", money(budget))
            .replace("%3", str(share))
        )
        self.budget_note.setProperty("role", role)
        self.budget_note.style().polish(self.budget_note)
        self.budget_note.show()

    def _fail(self, error: BaseException) -> None:
        self.start_button.setEnabled(self.setup is not None)
        self._fail_text(readable(error))

    def _fail_text(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


def _heading(text: str) -> QLabel:
    widget = label(text, name=text)
    widget.setIndent(0)
    widget.setStyleSheet("font-weight: 700; padding: 8px 0px 0px 0px;")
    return widget


def _score(name: str, value: int) -> QFrame:
    """One score of the rubric: the score large, its name under it."""
    tile = QFrame()
    tile.setObjectName("Score")
    tile.setAccessibleName(f"{name}: {value}/5")
    column = QVBoxLayout(tile)
    column.setContentsMargins(16, 8, 16, 8)
    column.setSpacing(0)
    big = label(f"{value}/5", name=name)
    big.setStyleSheet("font-size: 16pt; font-weight: 700;")
    column.addWidget(big, 0, Qt.AlignmentFlag.AlignHCenter)
    column.addWidget(label(name, "subtle"), 0, Qt.AlignmentFlag.AlignHCenter)
    return tile


def _clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()
        elif (inner := item.layout()) is not None:
            _clear_layout(inner)


def close_work(page: TutorPage | None, runner: TaskRunner | None) -> Callable[[], None]:
    """At logout or quit: stop the tutor's calls now (on the UI thread, without waiting), and
    the work for the data worker, which waits for the AI worker to end, then ends the
    conversation, so its turns are wiped and its metadata kept before the session closes."""
    conversation = page.stop_all() if page is not None else None
    if runner is not None:
        runner.stop()

    def finish() -> None:
        if runner is not None:
            runner.wait_stopped(30_000)
        if conversation is not None and not conversation.ended:
            try:
                conversation.end(summarise=False)  # no summary now: the person has gone
            except Exception:  # the logout after this must happen whatever this says
                log.exception("ending the conversation at logout")

    return finish
