"""Practice: translate a sentence, with hints, graded feedback, the accepted translation.

An answer the grader cannot judge (`PracticeResult.unsure`) is not called wrong: the page says
so and offers "I was right", which records the acceptance (and "Undo", which takes it back).
Where an AI model is set up, the tutor checks such an answer in the background, on a thread of
its own (a model's seconds never hold up the data worker), and its verdict shows with a
"checked by the tutor" mark.
"""

from __future__ import annotations

import contextlib
import html
import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from ..domain.grading import Grade
from ..services import ai_settings
from ..services.practice import PracticeItem, PracticeResult, tutor_embedder
from ..services.speaking import SpeakingError, SpeakingResult, SpeakingService
from .context import Context
from .speaking import SpeakButton
from .speech import Speaker
from .tasks import TaskRunner, readable
from .widgets import (
    Page,
    button,
    card,
    count,
    label,
    scrolls_past,
    take_widget,
    verdict_words,
)

LEVELS = ("beginner", "intermediate", "advanced")
log = logging.getLogger(__name__)


class PracticePage(Page):
    graded = Signal(object)  # PracticeResult, once it is on screen
    settled = Signal(object)  # PracticeResult, once "I was right" or its undo is recorded
    checked = Signal(object)  # PracticeResult | None: the tutor's check of an unsure answer
    item_shown = Signal(object)  # PracticeItem, once it is on screen

    def __init__(
        self,
        ctx: Context,
        speaker: Speaker,
        ai: Callable[[], TaskRunner] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Practice"), parent)
        self.ctx = ctx
        self.speaker = speaker
        self.item: PracticeItem | None = None
        self.result: PracticeResult | None = None
        self.hints_shown = 0
        self.started = 0.0
        self.scores: list[int] = []
        self.checked.connect(self._show_checked)  # the tutor's verdict, from its own thread

        self.round = label("", "subtle", name=self.tr("This round"))
        self.round.hide()
        self.body.insertWidget(1, self.round)

        filters = QHBoxLayout()
        self.level = scrolls_past(QComboBox())
        self.level.setAccessibleName(self.tr("Level"))
        self.level.addItem(self.tr("Any level"), None)
        for value, text in zip(
            LEVELS, (self.tr("Beginner"), self.tr("Intermediate"), self.tr("Advanced")), strict=True
        ):
            self.level.addItem(text, value)
        self.category = scrolls_past(QComboBox())
        self.category.setAccessibleName(self.tr("Category"))
        self.category.addItem(self.tr("All categories"), None)
        for cat in sorted(ctx.service.library.categories.values(), key=lambda c: c.title_en):
            self.category.addItem(cat.title_en, cat.id)
        self.direction = scrolls_past(QComboBox())
        self.direction.setAccessibleName(self.tr("Direction"))
        self.direction.addItem(self.tr("Spanish → English"), "es-en")
        self.direction.addItem(self.tr("English → Spanish"), "en-es")
        settings = ctx.settings  # as at login (read on the worker): this page may be built later
        default = f"{settings['target_language']}-{settings['primary_language']}"
        self.direction.setCurrentIndex(self.direction.findData(default))
        self.level.setCurrentIndex(self.level.findData(settings["level"]))
        for combo in (self.level, self.category, self.direction):
            filters.addWidget(combo)
            combo.activated.connect(lambda _i: self.next_sentence())
        filters.addStretch(1)
        self.body.addLayout(filters)

        frame, box = card(self.tr("Sentence"))
        self.instruction = label("", "subtle", name=self.tr("Instruction"))
        box.addWidget(self.instruction)
        prompt_row = QHBoxLayout()
        self.prompt = label(
            self.tr("Loading…"), "prompt", wrap=True, name=self.tr("Sentence to translate")
        )
        prompt_row.addWidget(self.prompt, 1)
        self.listen = button(self.tr("🔊 Listen"), self.tr("Listen"), shortcut="Ctrl+L")
        self.listen.clicked.connect(self._listen)
        self.listen.setVisible(False)
        prompt_row.addWidget(self.listen, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(prompt_row)
        self.meta = label("", "subtle", name=self.tr("Category, level and grammar"))
        box.addWidget(self.meta)
        self.hint_button = button(self.tr("Show a hint"), self.tr("Show a hint"), shortcut="Ctrl+H")
        self.hint_button.clicked.connect(self.show_hint)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.hint_button)
        hint_row.addStretch(1)
        box.addLayout(hint_row)
        self.hints = QVBoxLayout()
        box.addLayout(self.hints)
        self.body.addWidget(frame)

        self.answer = QLineEdit()
        self.answer.setProperty("role", "answer")
        self.answer.setAccessibleName(self.tr("Your translation"))
        self.answer.setPlaceholderText(self.tr("Type your translation and press Enter"))
        self.answer.setMaxLength(2000)
        self.answer.returnPressed.connect(self._enter)
        self.body.addWidget(self.answer)
        self.speech_note = label("", "subtle", wrap=True, name=self.tr("How your speaking went"))
        self.speech_note.hide()
        self.body.addWidget(self.speech_note)

        actions = QHBoxLayout()
        self.skip = button(self.tr("Skip"), self.tr("Skip"))
        self.skip.clicked.connect(self.next_sentence)
        self.check = button(self.tr("Check"), self.tr("Check"), "primary")
        self.check.clicked.connect(self.submit)
        self.next = button(self.tr("Next"), self.tr("Next sentence"), "primary")
        self.next.clicked.connect(self.next_sentence)
        self.next.hide()
        # Say the translation aloud: it is written into the answer and its words are scored.
        self.speak = SpeakButton(ctx, ai or (lambda: ctx.runner), self._hear)
        self.speak.heard.connect(self._show_heard)
        self.speak.problem.connect(self._fail_text)
        actions.addWidget(self.skip)
        actions.addStretch(1)
        actions.addWidget(self.speak)
        actions.addWidget(self.check)
        actions.addWidget(self.next)
        self.body.addLayout(actions)
        QShortcut(QKeySequence("Ctrl+N"), self, self.next_sentence)

        self.feedback_card, fb = card(self.tr("Feedback"))
        self.verdict = label("", name=self.tr("Verdict"))
        fb.addWidget(self.verdict)
        self.feedback = label("", wrap=True, name=self.tr("Feedback"))
        fb.addWidget(self.feedback)
        self.marked = label("", wrap=True, name=self.tr("Your answer with the differences marked"))
        self.marked.setTextFormat(Qt.TextFormat.RichText)
        fb.addWidget(self.marked)
        self.accepted = label("", wrap=True, name=self.tr("Accepted translation"))
        self.accepted.setTextFormat(Qt.TextFormat.RichText)
        fb.addWidget(self.accepted)
        self.right_note = label("", "good", wrap=True, name=self.tr("Counted as correct"))
        self.right_note.hide()
        fb.addWidget(self.right_note)
        settle_row = QHBoxLayout()
        # Ctrl+R: free on every page and in the answer field (Ctrl+Z is the field's own undo,
        # so Undo has no shortcut).
        self.i_was_right = button(
            self.tr("I was right"),
            self.tr("I was right: count my answer as correct"),
            shortcut="Ctrl+R",
        )
        self.i_was_right.clicked.connect(self.accept_answer)
        self.i_was_right.hide()
        self.undo = button(self.tr("Undo"), self.tr("Undo: count my answer as it was graded"))
        self.undo.clicked.connect(self.undo_accept)
        self.undo.hide()
        settle_row.addWidget(self.i_was_right)
        settle_row.addWidget(self.undo)
        settle_row.addStretch(1)
        fb.addLayout(settle_row)
        self.due_note = label("", "subtle", name=self.tr("When the sentence comes back"))
        fb.addWidget(self.due_note)
        self.feedback_card.hide()
        self.body.addWidget(self.feedback_card)
        self.error = label("", "bad", wrap=True, name=self.tr("Error message"))
        self.error.hide()
        self.body.addWidget(self.error)
        self.body.addStretch(1)

    # ---- flow -------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.item is None:
            self.next_sentence()
        self.answer.setFocus()

    def next_sentence(self) -> None:
        level, category, direction = (
            self.level.currentData(),
            self.category.currentData(),
            self.direction.currentData(),
        )
        practice = self.ctx.practice
        self.check.setEnabled(False)
        self.ctx.run(
            lambda: practice.next_item(level, category, direction), self._show_item, self._fail
        )

    def _show_item(self, item: PracticeItem | None) -> None:
        self.item, self.result = item, None
        self.hints_shown = 0
        while self.hints.count():
            widget = take_widget(self.hints, 0)
            if widget:
                widget.deleteLater()
        self.feedback_card.hide()
        self.i_was_right.hide()
        self.undo.hide()
        self.right_note.hide()
        self.error.hide()
        self.next.hide()
        self.check.show()
        self.answer.clear()
        self.answer.setReadOnly(False)
        self.speech_note.hide()
        self.speak.cancel()
        self.speak.setEnabled(item is not None)
        if item is None:
            self.prompt.setText(
                self.tr("No sentences match these filters. Choose another level or category.")
            )
            self.instruction.setText("")
            self.meta.setText("")
            self.hint_button.setEnabled(False)
            self.listen.setVisible(False)
            return
        into = self.tr("English") if item.direction.endswith("en") else self.tr("Spanish")
        self.instruction.setText(self.tr("Translate into %1").replace("%1", into))
        self.prompt.setText(item.prompt)
        cat = self.ctx.service.library.categories.get(item.sentence.category)
        grammar = ", ".join(item.sentence.grammar)
        self.meta.setText(
            " · ".join(
                x
                for x in (
                    (cat.title_en if cat else item.sentence.category),
                    item.sentence.level,
                    grammar,
                )
                if x
            )
        )
        self._update_hint_button()
        source_lang = item.direction.split("-")[0]
        self.listen.setVisible(self.speaker.available("es") and source_lang == "es")
        self.check.setEnabled(True)
        self.started = time.monotonic()
        self.answer.setFocus()
        self.item_shown.emit(item)

    def show_hint(self) -> None:
        if self.item is None or self.hints_shown >= len(self.item.hints):
            return
        text = self.item.hints[self.hints_shown]
        self.hints_shown += 1
        self.hints.addWidget(
            label(
                f"💡 {text}",
                "hint",
                wrap=True,
                name=self.tr("Hint %1").replace("%1", str(self.hints_shown)),
            )
        )
        self._update_hint_button()

    def _update_hint_button(self) -> None:
        total = len(self.item.hints) if self.item else 0
        self.hint_button.setEnabled(self.hints_shown < total and self.result is None)
        self.hint_button.setText(
            self.tr("Show a hint (%1 of %2)")
            .replace("%1", str(self.hints_shown))
            .replace("%2", str(total))
        )

    def _enter(self) -> None:
        if self.result is None:
            self.submit()
        else:
            self.next_sentence()

    def submit(self) -> None:
        if self.item is None or self.result is not None:
            return
        answer = self.answer.text()
        if not answer.strip():
            self._fail_text(self.tr("Type your translation first."))
            return
        self.error.hide()  # "Type your translation first" no longer applies
        item, hints = self.item, self.hints_shown
        duration = int((time.monotonic() - self.started) * 1000)
        practice = self.ctx.practice
        self.check.setEnabled(False)
        self.ctx.run(
            lambda: practice.submit(item, answer, hints, duration), self._show_result, self._fail
        )

    def _show_result(self, result: PracticeResult) -> None:
        self.result = result
        if result.unsure:
            self._check_with_tutor(result)
        self.scores.append(result.score)
        self._show_verdict(result)
        self.feedback_card.show()
        self.answer.setReadOnly(True)
        self.check.hide()
        self.next.show()
        self.answer.setFocus()  # Enter again moves on to the next sentence
        self.hint_button.setEnabled(False)
        self._show_round()
        self.graded.emit(result)

    def _show_verdict(self, result: PracticeResult) -> None:
        """The feedback card's words for a result: as graded, unsure, checked by the tutor, or
        accepted as right."""
        g = result.grade
        checked = result.checked
        if result.accepted:
            text, role = verdict_words("correct")
        elif checked is not None:
            text, role = verdict_words(checked.verdict)
            text += " · " + self.tr("checked by the tutor")
        elif result.unsure:
            text, role = self.tr("Not one of the answers I know; it may still be right"), "almost"
        else:
            text, role = verdict_words(g.verdict)
        self.verdict.setText(f"{text}  ·  {result.score}/100")
        self.verdict.setProperty("role", role)
        self.verdict.style().polish(self.verdict)
        # The grader's own words for an unsure answer are the verdict line's, untranslated; the
        # tutor's reason, where it checked, is the model's own.
        reason = checked.reason if checked is not None else ("" if result.unsure else g.feedback)
        self.feedback.setText(reason)
        self.feedback.setVisible(bool(reason))
        self.marked.setText(self._marked_html(g))
        self.marked.setVisible(
            not result.accepted
            and (g.verdict != "correct" or any(m.status != "ok" for m in g.marks))
        )
        self.accepted.setText(
            self.tr("Accepted: %1").replace("%1", f"<b>{html.escape(g.reference)}</b>")
        )
        self.right_note.setText(self.tr("Counted as correct. This answer is accepted from now on."))
        self.right_note.setVisible(result.accepted)
        self.i_was_right.setVisible(
            result.unsure
            and not result.accepted
            and (checked is None or checked.verdict != "correct")
        )
        self.i_was_right.setEnabled(True)
        self.undo.setVisible(result.accepted)
        self.undo.setEnabled(True)
        self.due_note.setText(
            self.tr("This sentence comes back %1.").replace("%1", result.next_due)
        )

    def _show_round(self) -> None:
        average = sum(self.scores) / len(self.scores)
        self.round.setText(
            count(
                len(self.scores),
                self.tr("1 sentence this round"),
                self.tr("%1 sentences this round"),
            )
            + f" · {self.tr('average')} {average:.0f}"
        )
        self.round.show()

    # ---- "I was right" -------------------------------------------------------------------

    def accept_answer(self) -> None:
        """Record that the unsure answer on screen was right (on the worker)."""
        result = self.result
        if result is None or not result.unsure or result.accepted:
            return
        self.i_was_right.setEnabled(False)
        practice = self.ctx.practice
        self.ctx.run(lambda: practice.accept_answer(result), self._show_settled, self._fail_settle)

    def undo_accept(self) -> None:
        """Take back "I was right" (a mistaken press): the answer counts as graded again."""
        result = self.result
        if result is None or not result.accepted:
            return
        self.undo.setEnabled(False)
        practice = self.ctx.practice
        self.ctx.run(lambda: practice.undo_accept(result), self._show_settled, self._fail_settle)

    def _show_settled(self, result: PracticeResult) -> None:
        if self.result is None or self.result.event_id != result.event_id:
            return  # recorded; the page has moved on to another sentence since
        self.result = result
        self.scores[-1] = result.score
        self.error.hide()
        self._show_verdict(result)
        self._show_round()
        self.answer.setFocus()  # the pressed button may have gone: Enter still moves on
        self.settled.emit(result)

    # ---- the tutor checks an unsure answer --------------------------------------------

    def _check_with_tutor(self, result: PracticeResult) -> None:
        """Ask the tutor (its cache, else the model) about an unsure answer, on a thread of
        its own (not the data worker, which a model's seconds would hold up): nothing shows
        when no model is set up or the budget is spent."""
        practice, learner, done = self.ctx.practice, self.ctx.learner, self.checked

        def work() -> None:
            try:
                provider = ai_settings.provider(ai_settings.load(learner))
                embed = tutor_embedder() if provider is not None else None
                checked = practice.check_unsure(result, provider, embed)  # None: nothing said
            except Exception:  # the offline verdict stands; the log has the details
                log.warning("The tutor's check failed", exc_info=True)
                return
            with contextlib.suppress(RuntimeError):  # the page is gone (logged out): recorded
                done.emit(checked)

        threading.Thread(target=work, name="aidioma-tutor-check", daemon=True).start()

    def _show_checked(self, result: PracticeResult | None) -> None:
        if result is None or self.result is None or self.result.event_id != result.event_id:
            return  # nothing to say, or the page has moved on (the verdict is recorded)
        if self.result.accepted:
            return  # the person already said; their word stands on screen
        self.result = result
        self.scores[-1] = result.score
        self._show_verdict(result)
        self._show_round()
        self.settled.emit(result)

    def _fail_settle(self, error: BaseException) -> None:
        self._fail_text(readable(error))
        self.i_was_right.setEnabled(True)
        self.undo.setEnabled(True)

    def _marked_html(self, g: Grade) -> str:
        styles = {
            "ok": "",
            "minor": "text-decoration: underline; color: #D97706;",
            "wrong": "text-decoration: underline; color: #DC2626;",
            "extra": "text-decoration: line-through; color: #DC2626;",
        }
        words = " ".join(
            f'<span style="{styles[m.status]}">{html.escape(m.text)}</span>'
            if styles[m.status]
            else html.escape(m.text)
            for m in g.marks
        )
        out = self.tr("You wrote: %1").replace("%1", words)
        if g.missing:
            missing = ", ".join(f"<b>{html.escape(w)}</b>" for w in g.missing)
            out += "<br>" + self.tr("Missing: %1").replace("%1", missing)
        return out

    # ---- speaking -----------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        self.speak.cancel()  # leaving the page stops a recording and drops its answer
        super().hideEvent(event)

    def _hear(self) -> Callable[[SpeakingService, bytes], tuple[PracticeItem, SpeakingResult]]:
        """What to do with the recording, fixed when it stops (on the UI thread): scored against
        the sentence on screen then, whatever the page shows by the time it is written down."""
        item = self.item
        if item is None:
            raise SpeakingError("There is no sentence to say.")  # the button is off then
        language = item.direction.split("-")[1]

        def hear(service: SpeakingService, audio: bytes) -> tuple[PracticeItem, SpeakingResult]:
            return item, service.check(audio, item.references, language, item.sentence.id)

        return hear

    def _show_heard(self, heard: tuple[PracticeItem, SpeakingResult]) -> None:
        item, result = heard
        if item is not self.item:
            return  # the page moved on; the feedback is recorded
        if self.result is None:  # said instead of typed: the answer to check
            self.answer.setText(result.transcript)
            self.answer.setFocus()
        text = self.tr("Pronunciation: %1 % of the words heard.").replace("%1", str(result.score))
        if result.missed:
            text += " " + self.tr("Not heard: %1").replace("%1", ", ".join(result.missed))
        self.speech_note.setText(text)
        self.speech_note.show()

    def _listen(self) -> None:
        if self.item is not None:
            self.speaker.say(self.item.sentence.es, "es")

    def _fail(self, error: BaseException) -> None:
        self._fail_text(readable(error))
        self.check.setEnabled(self.item is not None and self.result is None)

    def _fail_text(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
