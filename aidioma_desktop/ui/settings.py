"""Settings: profile, learning, appearance, data, sync; the AI tutor arrives later."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
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

from ..services.export import export_profile
from .context import Context
from .library import EmbeddingsBox
from .sync import SyncBox, SyncController
from .tasks import readable
from .widgets import Page, button, label, scrolls_past

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
        self, ctx: Context, sync: SyncController | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Settings"), parent)
        self.ctx = ctx
        self.loaded: dict[str, Any] = {}

        box, form = _group(self.tr("Profile"))
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(60)
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
        self.password.setPlaceholderText(self.tr("leave empty to keep it as it is"))
        self.remove_password = button(self.tr("Remove password"), self.tr("Remove password"))
        self.remove_password.clicked.connect(lambda: self._set_password(None))
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
        self.retention = scrolls_past(QDoubleSpinBox())
        self.retention.setRange(0.70, 0.97)
        self.retention.setSingleStep(0.01)
        self.retention.setDecimals(2)
        self.retention.setToolTip(self.tr("Higher means more reviews and fewer forgotten cards."))
        self.new_cards = scrolls_past(QSpinBox())
        self.new_cards.setRange(0, 200)
        self.new_cards.setSuffix(self.tr(" per day"))
        for text, widget in (
            (self.tr("Daily goal"), self.daily_goal),
            (self.tr("Day starts at"), self.day_starts_at),
            (self.tr("Desired retention"), self.retention),
            (self.tr("New cards"), self.new_cards),
        ):
            widget.setAccessibleName(text)
            form.addRow(text, widget)
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
        box, form = _group(self.tr("AI tutor"))
        form.addRow(
            label(
                self.tr(
                    "Coming soon: talk through everyday scenarios with a tutor, "
                    "on a local model or a service you choose."
                ),
                "subtle",
                wrap=True,
            )
        )
        self.body.addWidget(box)

        self.embeddings = EmbeddingsBox(ctx)  # documents: which model embeds them
        self.body.addWidget(self.embeddings)

        actions = QHBoxLayout()
        self.status = label("", "subtle", wrap=True, name=self.tr("Settings status"))
        actions.addWidget(self.status, 1)
        self.save = button(self.tr("Save"), self.tr("Save settings"), "primary", "Ctrl+S")
        self.save.clicked.connect(self.save_settings)
        actions.addWidget(self.save)
        self.body.addLayout(actions)
        self.body.addStretch(1)

    def refresh(self) -> None:
        self.ctx.run(self.ctx.learner.settings, self._show)
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
        self.retention.setValue(s["desired_retention"])
        self.new_cards.setValue(s["new_cards_per_day"])

    def values(self) -> dict[str, Any]:
        return {
            "display_name": self.display_name.text().strip(),
            "email": self.email.text().strip(),
            "primary_language": self.primary.currentData(),
            "target_language": self.target.currentData(),
            "level": self.level.currentData(),
            "daily_goal": self.daily_goal.value(),
            "day_starts_at": self.day_starts_at.value(),
            "desired_retention": round(self.retention.value(), 2),
            "new_cards_per_day": self.new_cards.value(),
        }

    def save_settings(self) -> None:
        values = self.values()
        if not values["display_name"]:
            self._say(self.tr("Type your name: it is how this profile is shown."), "bad")
            return
        if values["primary_language"] == values["target_language"]:
            self._say(self.tr("The language you learn must differ from your own language."), "bad")
            return
        changed = {k: v for k, v in values.items() if self.loaded.get(k) != v}
        learner, service, password = self.ctx.learner, self.ctx.service, self.password.text()

        def work() -> dict[str, Any]:
            learner.change_settings(changed)  # all or none
            if password:
                service.set_password(learner, password)
            return learner.settings()

        self.ctx.run(work, self._saved, lambda e: self._say(readable(e), "bad"))

    def _saved(self, s: dict[str, Any]) -> None:
        self.password.clear()
        self._show(s)
        self._say(self.tr("Saved."), "good")
        self.saved.emit()

    def _set_password(self, password: str | None) -> None:
        learner, service = self.ctx.learner, self.ctx.service
        self.ctx.run(
            lambda: service.set_password(learner, password),
            lambda _r: self._say(self.tr("The password was removed."), "good"),
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

    def _say(self, text: str, role: str) -> None:
        self.status.setText(text)
        self.status.setProperty("role", role)
        self.status.style().polish(self.status)
        # The page's own line is at its foot, out of sight after Ctrl+S near the top.
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 5000)
