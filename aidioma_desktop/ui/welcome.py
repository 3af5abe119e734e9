"""The first screen: choose your profile (and its password), or create one."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..services.session import Learner, ProfileSummary, SessionService
from .tasks import TaskRunner, readable
from .widgets import button, card, label, name_too_long, scrolls_past

LEVELS = ("beginner", "intermediate", "advanced")


def _open(service: SessionService, learner: Learner) -> tuple[Learner, dict[str, Any]]:
    """On the worker, right after login: the profile's settings come with it, so the main
    window can show the name (and Practice its defaults) without reading the database."""
    try:
        return learner, learner.settings()
    except Exception:
        service.logout(learner)  # the profile must not stay locked by a window that never opened
        raise


class WelcomeScreen(QWidget):
    """Emits `logged_in` with the Learner and their settings once a profile is open."""

    logged_in = Signal(object, object)  # Learner, its settings (dict) as read at login

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.service: SessionService | None = None
        self.setAccessibleName(self.tr("Welcome"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 40, 40, 40)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        frame, box = card(self.tr("Profiles"))
        frame.setMinimumWidth(460)
        frame.setMaximumWidth(560)
        row.addWidget(frame)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        title = label(self.tr("¡Hola! Who is learning today?"), name=self.tr("Welcome"))
        title.setObjectName("PageTitle")
        box.addWidget(title)
        self.subtitle = label(
            self.tr("Each person has their own profile, progress and streak."), "subtle", wrap=True
        )
        box.addWidget(self.subtitle)
        self.stack = QStackedWidget()
        box.addWidget(self.stack)
        self.error = label("", "bad", wrap=True, name=self.tr("Error message"))
        self.error.hide()
        box.addWidget(self.error)

        # Page 0: choose a profile
        choose = QWidget()
        layout = QVBoxLayout(choose)
        layout.setContentsMargins(0, 8, 0, 0)
        self.profiles = QListWidget()
        self.profiles.setAccessibleName(self.tr("Profiles"))
        self.profiles.setObjectName("ProfileList")
        self.profiles.setMinimumHeight(150)
        self.profiles.itemActivated.connect(lambda _item: self._login())
        self.profiles.currentItemChanged.connect(self._profile_changed)
        layout.addWidget(self.profiles)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        self.password.setAccessibleName(self.tr("Password"))
        self.password.returnPressed.connect(self._login)
        self.password.hide()
        layout.addWidget(self.password)
        buttons = QHBoxLayout()
        self.new_button = button(self.tr("New profile"), self.tr("New profile"))
        self.new_button.clicked.connect(lambda: self._show_create(True))
        self.login_button = button(self.tr("Start"), self.tr("Start"), "primary")
        self.login_button.setDefault(True)
        # Not connected to _login itself: `clicked` would pass its `checked` as the profile.
        self.login_button.clicked.connect(lambda: self._login())
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)
        layout.addLayout(buttons)
        self.stack.addWidget(choose)

        # Page 1: create a profile
        create = QWidget()
        form = QFormLayout(create)
        form.setContentsMargins(0, 8, 0, 0)
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Your name"))
        self.name.textChanged.connect(self._check_name)
        self.email = QLineEdit()
        self.email.setAccessibleName(self.tr("Email (optional)"))
        self.email.setPlaceholderText(self.tr("optional"))
        self.speaks = scrolls_past(QComboBox())
        self.speaks.setAccessibleName(self.tr("I speak"))
        self.speaks.addItem(self.tr("English"), "en")
        self.speaks.addItem(self.tr("Spanish"), "es")
        self.learns = scrolls_past(QComboBox())
        self.learns.setAccessibleName(self.tr("I am learning"))
        self.learns.addItem(self.tr("Spanish"), "es")
        self.learns.addItem(self.tr("English"), "en")
        self.speaks.currentIndexChanged.connect(lambda i: self.learns.setCurrentIndex(i))
        self.learns.currentIndexChanged.connect(lambda i: self.speaks.setCurrentIndex(i))
        self.level = scrolls_past(QComboBox())
        self.level.setAccessibleName(self.tr("Level"))
        for value, text in zip(
            LEVELS, (self.tr("Beginner"), self.tr("Intermediate"), self.tr("Advanced")), strict=True
        ):
            self.level.addItem(text, value)
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setAccessibleName(self.tr("Password (optional)"))
        self.new_password.setPlaceholderText(self.tr("optional"))
        self.repeat_password = QLineEdit()
        self.repeat_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_password.setAccessibleName(self.tr("Repeat password"))
        form.addRow(self.tr("Your name"), self.name)
        form.addRow(self.tr("Email"), self.email)
        form.addRow(self.tr("I speak"), self.speaks)
        form.addRow(self.tr("I am learning"), self.learns)
        form.addRow(self.tr("Level"), self.level)
        form.addRow(self.tr("Password"), self.new_password)
        form.addRow(self.tr("Repeat password"), self.repeat_password)
        actions = QHBoxLayout()
        self.cancel_button = button(self.tr("Back"), self.tr("Back"))
        self.cancel_button.clicked.connect(lambda: self._show_create(False))
        self.create_button = button(self.tr("Create profile"), self.tr("Create profile"), "primary")
        self.create_button.clicked.connect(self._create)
        self.name.returnPressed.connect(self._create)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        actions.addWidget(self.create_button)
        form.addRow(actions)
        self.stack.addWidget(create)
        self._set_busy(True)

    # ---- loading ----------------------------------------------------------------------

    def set_service(self, service: SessionService) -> None:
        self.service = service
        self.reload()

    def reload(self, select: str | None = None) -> None:
        if self.service is None:
            return
        service = self.service
        self.runner.run(
            service.profiles, lambda found: self._show_profiles(found, select), self._fail
        )

    def _show_profiles(self, found: list[ProfileSummary], select: str | None) -> None:
        self._set_busy(False)
        self.profiles.clear()
        for summary in found:
            text = f"{summary.display_name}   ·   {self._level_name(summary.level)}"
            if summary.has_password:
                text += "   🔒"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, summary)
            self.profiles.addItem(item)
            if summary.id == select:
                self.profiles.setCurrentItem(item)
        if found and self.profiles.currentItem() is None:
            self.profiles.setCurrentRow(0)
        self._show_create(not found)
        self.cancel_button.setVisible(bool(found))

    def _level_name(self, level: str) -> str:
        return {
            "beginner": self.tr("Beginner"),
            "intermediate": self.tr("Intermediate"),
            "advanced": self.tr("Advanced"),
        }.get(level, level)

    def _profile_changed(self, item: QListWidgetItem | None, _old: object = None) -> None:
        summary = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.password.clear()
        self.password.setVisible(bool(summary and summary.has_password))
        self.error.hide()

    def _show_create(self, creating: bool) -> None:
        self.stack.setCurrentIndex(1 if creating else 0)
        self.error.hide()
        self.subtitle.setText(
            self.tr("Create your profile: it stays on this computer.")
            if creating
            else self.tr("Each person has their own profile, progress and streak.")
        )
        (self.name if creating else self.profiles).setFocus()

    # ---- actions ----------------------------------------------------------------------

    def _login(self, profile: str | None = None, password: str | None = None) -> None:
        if self.service is None:
            return
        if profile is None:
            item = self.profiles.currentItem()
            if item is None:
                return
            summary: ProfileSummary = item.data(Qt.ItemDataRole.UserRole)
            profile = summary.id
            password = self.password.text() if summary.has_password else None
        service = self.service
        self._set_busy(True)
        self.runner.run(
            lambda: _open(service, service.login(profile, password)), self._logged_in, self._fail
        )

    def login_as(self, profile: str) -> None:
        """Open a profile without a click (command line `--profile`)."""
        self._login(profile, None)

    def _logged_in(self, opened: tuple[Learner, dict[str, Any]]) -> None:
        self._set_busy(False)
        self.password.clear()
        self.logged_in.emit(*opened)

    def _create(self) -> None:
        if self.service is None:
            return
        name = self.name.text().strip()
        if not name:
            self._show_error(self.tr("Type your name first."))
            return
        if not self._check_name(name):
            return
        if self.new_password.text() != self.repeat_password.text():
            self._show_error(self.tr("The two passwords differ."))
            return
        service = self.service
        password = self.new_password.text() or None
        values = {
            "email": self.email.text().strip(),
            "primary_language": self.speaks.currentData(),
            "target_language": self.learns.currentData(),
            "level": self.level.currentData(),
            "password": password,
        }
        self._set_busy(True)

        def create_and_login() -> tuple[Learner, dict[str, Any]]:
            summary = service.create_profile(name, **values)
            return _open(service, service.login(summary.id, password))

        self.runner.run(create_and_login, self._created, self._fail)

    def _check_name(self, text: str) -> bool:
        """Says at once when the name is too long; True when it is not."""
        problem = name_too_long(text)
        if problem:
            self._show_error(problem)
        else:
            self.error.hide()
        self.create_button.setEnabled(problem is None)
        return problem is None

    def _created(self, opened: tuple[Learner, dict[str, Any]]) -> None:
        for field in (self.name, self.email, self.new_password, self.repeat_password):
            field.clear()
        self.reload()
        self._logged_in(opened)

    def _fail(self, error: BaseException) -> None:
        self._set_busy(False)
        self._show_error(readable(error))

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.login_button, self.create_button, self.new_button):
            widget.setEnabled(not busy)
