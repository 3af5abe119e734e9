"""Review: today's due and new cards, shown front first, rated Again / Hard / Good / Easy."""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ..domain.review import RATING_NAMES
from ..services.review import ReviewCard, ReviewQueue
from .context import Context
from .tasks import readable
from .widgets import Page, button, card, count, label


class ReviewPage(Page):
    card_shown = Signal(object)
    finished = Signal()
    practise_instead = Signal()

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Review"), parent)
        self.ctx = ctx
        self.cards: list[ReviewCard] = []
        self.current: ReviewCard | None = None
        self.revealed = False
        self.started = 0.0
        self.counts = label("", "subtle", name=self.tr("Cards left today"))
        self.body.insertWidget(1, self.counts)

        self.card_frame, box = card(self.tr("Card"))
        self.card_frame.setMinimumHeight(180)
        self.instruction = label("", "subtle", name=self.tr("Instruction"))
        box.addWidget(self.instruction)
        self.front = label("", "prompt", wrap=True, name=self.tr("Front of the card"))
        box.addWidget(self.front)
        self.back = label("", wrap=True, name=self.tr("Back of the card"))
        self.back.setStyleSheet("font-size: 15pt;")
        box.addWidget(self.back)
        box.addStretch(1)
        self.body.addWidget(self.card_frame)

        self.show_button = button(self.tr("Show answer"), self.tr("Show answer"), "primary")
        self.show_button.setToolTip(self.tr("Show answer (Space)"))
        self.show_button.clicked.connect(self.reveal)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.show_button)
        row.addStretch(1)
        self.body.addLayout(row)

        ratings = QHBoxLayout()
        ratings.addStretch(1)
        self.rating_buttons = {}
        names = {1: self.tr("Again"), 2: self.tr("Hard"), 3: self.tr("Good"), 4: self.tr("Easy")}
        for rating in RATING_NAMES:
            b = button(names[rating], names[rating], "rating")
            b.clicked.connect(lambda _=False, r=rating: self.rate(r))
            ratings.addWidget(b)
            self.rating_buttons[rating] = b
            QShortcut(QKeySequence(str(rating)), self, lambda r=rating: self.rate(r))
        ratings.addStretch(1)
        self.body.addLayout(ratings)
        QShortcut(QKeySequence("Space"), self, self.reveal)

        self.done_card, done = card(self.tr("All caught up"))
        done.addWidget(label(self.tr("✓ All caught up"), "good", name=self.tr("All caught up")))
        done.addWidget(
            label(
                self.tr("Nothing is due right now. New cards arrive tomorrow."), "subtle", wrap=True
            )
        )
        practise = button(self.tr("Practise instead"), self.tr("Practise instead"))
        practise.clicked.connect(self.practise_instead)
        done.addWidget(practise)
        self.body.addWidget(self.done_card)
        # Until the first queue arrives: never "All caught up" while the cards are loading.
        self.loading = label(self.tr("Loading your cards…"), "subtle", name=self.tr("Loading"))
        self.body.addWidget(self.loading)
        self.error = label("", "bad", wrap=True, name=self.tr("Error message"))
        self.error.hide()
        self.body.addWidget(self.error)
        self.body.addStretch(1)
        for widget in (self.card_frame, self.done_card, self.show_button, self.back):
            widget.hide()
        for b in self.rating_buttons.values():
            b.hide()

    def refresh(self) -> None:
        self.ctx.run(self.ctx.review.queue, self._load, self._fail)

    def _load(self, queue: ReviewQueue) -> None:
        self.loading.hide()
        self.cards = list(queue.cards)
        self.due, self.new = queue.due, queue.new
        self._next()

    def _next(self) -> None:
        self._show_card(self.cards.pop(0) if self.cards else None)

    def _show_card(self, c: ReviewCard | None) -> None:
        self.current, self.revealed = c, False
        self.error.hide()
        self.card_frame.setVisible(c is not None)
        self.done_card.setVisible(c is None)
        self.show_button.setVisible(c is not None)
        self.back.hide()
        for b in self.rating_buttons.values():
            b.setVisible(False)
        if c is None:
            self.counts.setText("")
            self.finished.emit()
            return
        left = len(self.cards) + 1
        self.counts.setText(
            count(left, self.tr("1 card left today"), self.tr("%1 cards left today"))
        )
        into = self.tr("English") if c.front_language == "es" else self.tr("Spanish")
        self.instruction.setText(
            self.tr("Say it in %1, then show the answer (Space).").replace("%1", into)
        )
        self.front.setText(c.front)
        self.back.setText(c.back)
        self.started = time.monotonic()
        self.show_button.setFocus()
        self.card_shown.emit(c)

    def reveal(self) -> None:
        if self.current is None or self.revealed:
            return
        self.revealed = True
        self.back.show()
        self.show_button.hide()
        current, review = self.current, self.ctx.review
        self.ctx.run(lambda: review.previews(current), self._show_previews, self._fail)

    def _show_previews(self, previews: dict[int, str]) -> None:
        names = {1: self.tr("Again"), 2: self.tr("Hard"), 3: self.tr("Good"), 4: self.tr("Easy")}
        for rating, b in self.rating_buttons.items():
            b.setText(f"{names[rating]}\n{previews[rating]}")
            b.setToolTip(
                self.tr("%1 (key %2): next in %3")
                .replace("%1", names[rating])
                .replace("%2", str(rating))
                .replace("%3", previews[rating])
            )
            b.setVisible(True)
        self.rating_buttons[3].setFocus()

    def rate(self, rating: int) -> None:
        if self.current is None or not self.revealed:
            return
        current, review = self.current, self.ctx.review
        duration = int((time.monotonic() - self.started) * 1000)
        self.current = None
        self.ctx.run(
            lambda: review.rate(current, rating, duration), lambda _p: self._next(), self._fail
        )

    def _fail(self, error: BaseException) -> None:
        self.loading.hide()
        self.error.setText(readable(error))
        self.error.show()
