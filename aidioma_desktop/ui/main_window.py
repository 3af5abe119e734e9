"""The main window: the welcome screen until someone logs in, then the sidebar and pages."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..services.session import Learner, SessionService
from .context import Context
from .practice import PracticePage
from .progress import ProgressPage
from .review import ReviewPage
from .settings import SettingsPage
from .speech import Speaker
from .tasks import TaskRunner
from .today import TodayPage
from .welcome import WelcomeScreen
from .widgets import Page, button, label


class Shell(QWidget):
    """Sidebar navigation (Ctrl+1..5) and the pages of a logged-in profile."""

    page_changed = Signal(int)

    def __init__(self, ctx: Context, speaker: Speaker, logout: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        sidebar = QFrame()
        sidebar.setObjectName("Sidebar")
        sidebar.setFixedWidth(210)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 12)
        title = label("AIdioma")
        title.setObjectName("AppTitle")
        side.addWidget(title)
        self.who = label(ctx.learner.settings()["display_name"], name=self.tr("Logged in as"))
        self.who.setObjectName("WhoAmI")
        side.addWidget(self.who)
        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Pages"))
        side.addWidget(self.nav, 1)
        logout_button = button(self.tr("Log out"), self.tr("Log out"))
        logout_button.clicked.connect(logout)
        wrap = QHBoxLayout()
        wrap.setContentsMargins(12, 0, 12, 0)
        wrap.addWidget(logout_button)
        side.addLayout(wrap)
        layout.addWidget(sidebar)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.today = TodayPage(ctx)
        self.practice = PracticePage(ctx, speaker)
        self.review = ReviewPage(ctx)
        self.progress = ProgressPage(ctx)
        self.settings = SettingsPage(ctx)
        self.pages: list[Page] = [
            self.today,
            self.practice,
            self.review,
            self.progress,
            self.settings,
        ]
        icons = ["☀", "✎", "↻", "▦", "⚙"]
        for number, (page, icon) in enumerate(zip(self.pages, icons, strict=True), 1):
            self.stack.addWidget(page)
            self.nav.addItem(f"{icon}   {page.accessibleName()}")
            self.nav.item(number - 1).setToolTip(f"{page.accessibleName()} (Ctrl+{number})")
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda n=number: self.show_page(n - 1))
        self.nav.currentRowChanged.connect(self._switch)
        self.today.start_practice.connect(lambda: self.show_page(1))
        self.today.start_review.connect(lambda: self.show_page(2))
        self.review.practise_instead.connect(lambda: self.show_page(1))
        self.settings.saved.connect(lambda: self.who.setText(self.settings.display_name.text()))

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def _switch(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.pages[index].refresh()
        self.page_changed.emit(index)


class MainWindow(QMainWindow):
    theme_changed = Signal(str)

    def __init__(self, runner: TaskRunner, ui_settings: QSettings, speaker: Speaker) -> None:
        super().__init__()
        self.runner = runner
        self.ui_settings = ui_settings
        self.speaker = speaker
        self.service: SessionService | None = None
        self.ctx: Context | None = None
        self.shell: Shell | None = None
        self.setWindowTitle("AIdioma")
        self.setMinimumSize(760, 560)
        self.resize(1180, 780)
        geometry = ui_settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.screens = QStackedWidget()
        self.setCentralWidget(self.screens)
        self.welcome = WelcomeScreen(runner)
        self.welcome.logged_in.connect(self._logged_in)
        self.screens.addWidget(self.welcome)
        runner.failed.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.statusBar().showMessage(self.tr("Welcome to AIdioma."), 3000)

    def set_service(self, service: SessionService) -> None:
        self.service = service
        self.welcome.set_service(service)
        for problem in service.library.problems:
            self.statusBar().showMessage(problem, 15_000)

    def _logged_in(self, learner: Learner) -> None:
        assert self.service is not None
        self.ctx = Context(self.runner, self.service, learner, self.ui_settings)
        self.shell = Shell(self.ctx, self.speaker, self.logout)
        self.screens.addWidget(self.shell)
        self.screens.setCurrentWidget(self.shell)
        self.setWindowTitle(f"AIdioma — {learner.settings()['display_name']}")
        self.shell.show_page(0)
        self.shell.settings.theme_changed.connect(self.theme_changed)

    def logout(self) -> None:
        """End the session (its context is wiped) and return to the profiles."""
        if self.ctx is None or self.shell is None:
            return
        ctx, shell = self.ctx, self.shell
        self.ctx = self.shell = None
        self.screens.setCurrentWidget(self.welcome)
        self.setWindowTitle("AIdioma")
        self.runner.run(
            lambda: ctx.service.logout(ctx.learner),
            lambda _r: self.welcome.reload(ctx.learner.profile_id),
        )
        self.screens.removeWidget(shell)
        shell.deleteLater()

    def final_logout(self) -> Callable[[], None] | None:
        """The work to run on the worker when the app quits (logout of the open session)."""
        if self.ctx is None:
            return None
        ctx = self.ctx
        return lambda: ctx.service.logout(ctx.learner)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ui_settings.setValue("geometry", self.saveGeometry())
        super().closeEvent(event)
