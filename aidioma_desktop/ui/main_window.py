"""The main window: the welcome screen until someone logs in, then the sidebar and pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
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
from ..services.sync import SyncReport
from .context import Context
from .library import LibraryPage
from .practice import PracticePage
from .progress import ProgressPage
from .review import ReviewPage
from .settings import SettingsPage
from .shortcuts import ShortcutsSheet
from .speech import Speaker
from .sync import SyncController
from .tasks import TaskRunner
from .today import TodayPage
from .tutor import TutorPage, close_work
from .welcome import WelcomeScreen
from .widgets import ElidedLabel, Page, button, label

# The sidebar, in Ctrl+1..7 order: icon and the page's title (in its page's translation
# context). Pages added later come last, so the others keep their Ctrl+number.
_NAV = (
    ("☀", "TodayPage", "Today"),
    ("✎", "PracticePage", "Practice"),
    ("↻", "ReviewPage", "Review"),
    ("▦", "ProgressPage", "Progress"),
    ("⚙", "SettingsPage", "Settings"),
    ("▤", "LibraryPage", "Library"),
    ("❝", "TutorPage", "Tutor"),
)
TUTOR = 6


class Shell(QWidget):
    """Sidebar navigation (Ctrl+1..7) and the pages of a logged-in profile.

    Only Today is built at login; every other page is built the first time it is shown or
    asked for (`shell.practice` …), so logging in costs one page, not seven.
    """

    page_changed = Signal(int)
    theme_changed = Signal(str)  # from Settings (Appearance)

    def __init__(self, ctx: Context, speaker: Speaker, logout: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.speaker = speaker
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
        self.who = label(ctx.settings["display_name"], name=self.tr("Logged in as"))
        self.who.setObjectName("WhoAmI")
        side.addWidget(self.who)
        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Pages"))
        side.addWidget(self.nav, 1)
        self.shortcuts_button = button(
            self.tr("Keyboard shortcuts"), self.tr("Keyboard shortcuts"), shortcut="F1"
        )
        self.shortcuts_button.clicked.connect(self.show_shortcuts)
        self.shortcuts_sheet: ShortcutsSheet | None = None
        logout_button = button(self.tr("Log out"), self.tr("Log out"))
        logout_button.clicked.connect(logout)
        for widget in (self.shortcuts_button, logout_button):
            wrap = QHBoxLayout()
            wrap.setContentsMargins(12, 0, 12, 4)
            wrap.addWidget(widget)
            side.addLayout(wrap)
        layout.addWidget(sidebar)

        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.sync = SyncController(ctx, self)
        self._ai_runner: TaskRunner | None = None
        self.today = TodayPage(ctx)
        self.today.start_practice.connect(lambda: self.show_page(1))
        self.today.start_review.connect(lambda: self.show_page(2))
        self.stack.addWidget(self.today)
        self._pages: list[Page | None] = [self.today] + [None] * (len(_NAV) - 1)
        for number, (icon, context, text) in enumerate(_NAV, 1):
            name = QCoreApplication.translate(context, text)
            self.nav.addItem(f"{icon}   {name}")
            self.nav.item(number - 1).setToolTip(f"{name} (Ctrl+{number})")
            QShortcut(QKeySequence(f"Ctrl+{number}"), self, lambda n=number: self.show_page(n - 1))
        self.nav.currentRowChanged.connect(self._switch)

        # What another device sent may change what the page shows.
        def refresh_if_pulled(report: SyncReport) -> None:
            if report.pulled:
                self._refresh_current()

        self.sync.synced.connect(refresh_if_pulled)

    # ---- pages, built on first use ----------------------------------------------------

    def page(self, index: int) -> Page:
        page = self._pages[index]
        if page is None:
            page = self._pages[index] = self._build(index)
            self.stack.addWidget(page)
        return page

    def _build(self, index: int) -> Page:
        if index == 1:
            practice = PracticePage(self.ctx, self.speaker, lambda: self.ai_runner)
            practice.graded.connect(self.sync.activity)
            practice.settled.connect(self.sync.activity)
            return practice
        if index == 2:
            review = ReviewPage(self.ctx)
            review.practise_instead.connect(lambda: self.show_page(1))
            review.card_shown.connect(self.sync.activity)
            return review
        if index == 3:
            return ProgressPage(self.ctx)
        if index == 4:
            settings = SettingsPage(self.ctx, self.sync, lambda: self.ai_runner)
            settings.saved.connect(lambda: self.who.setText(settings.display_name.text()))
            settings.saved.connect(self.sync.activity)
            settings.theme_changed.connect(self.theme_changed)
            return settings
        if index == TUTOR:
            return TutorPage(self.ctx, self.speaker, self.ai_runner)
        return LibraryPage(self.ctx)

    @property
    def ai_runner(self) -> TaskRunner:
        """The worker for model calls (the tutor, Settings → AI provider), started on first
        use: a reply may take a minute, and the data worker's pages must not wait behind it."""
        if self._ai_runner is None:
            self._ai_runner = TaskRunner(name="aidioma-ai")
        return self._ai_runner

    @property
    def ai_started(self) -> TaskRunner | None:
        """The AI worker if it was started (to be waited for at exit), else None."""
        return self._ai_runner

    def close_ai(self) -> Callable[[], None]:
        """At logout or quit: the tutor's calls stop now; the work returned (for the data
        worker, before the session closes) ends a running conversation, wiping its turns."""
        page = self._pages[TUTOR]
        return close_work(page if isinstance(page, TutorPage) else None, self._ai_runner)

    @property
    def practice(self) -> PracticePage:
        return cast(PracticePage, self.page(1))

    @property
    def review(self) -> ReviewPage:
        return cast(ReviewPage, self.page(2))

    @property
    def progress(self) -> ProgressPage:
        return cast(ProgressPage, self.page(3))

    @property
    def settings(self) -> SettingsPage:
        return cast(SettingsPage, self.page(4))

    @property
    def library(self) -> LibraryPage:
        return cast(LibraryPage, self.page(5))

    @property
    def tutor(self) -> TutorPage:
        return cast(TutorPage, self.page(TUTOR))

    def _refresh_current(self) -> None:
        cast(Page, self.stack.currentWidget()).refresh()

    def show_shortcuts(self) -> None:
        if self.shortcuts_sheet is None:
            self.shortcuts_sheet = ShortcutsSheet(self)
        self.shortcuts_sheet.show()
        self.shortcuts_sheet.raise_()

    def show_page(self, index: int) -> None:
        self.nav.setCurrentRow(index)

    def _switch(self, index: int) -> None:
        page = self.page(index)
        leaving = self.stack.currentWidget()
        if isinstance(leaving, TutorPage) and leaving is not page:
            leaving.leave()  # a conversation ends when its page is left
        self.stack.setCurrentWidget(page)
        page.refresh()
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
        self._retired: list[TaskRunner] = []
        self.sync_state = ElidedLabel("subtle", self.tr("Sync status"))
        self.statusBar().addPermanentWidget(self.sync_state)
        self.sync_state.hide()
        self.statusBar().showMessage(self.tr("Welcome to AIdioma."), 3000)

    def set_service(self, service: SessionService) -> None:
        self.service = service
        self.welcome.set_service(service)
        for problem in service.library.problems:
            self.statusBar().showMessage(problem, 15_000)

    def _logged_in(self, learner: Learner, settings: dict[str, Any]) -> None:
        assert self.service is not None
        self.ctx = Context(self.runner, self.service, learner, self.ui_settings, settings)
        self.shell = Shell(self.ctx, self.speaker, self.logout)
        self.screens.addWidget(self.shell)
        self.screens.setCurrentWidget(self.shell)
        # Qt adds " — AIdioma" (the application's display name) where the system shows it.
        self.setWindowTitle(settings["display_name"])
        self.shell.show_page(0)
        self.sync_state.show()
        self.shell.sync.state_changed.connect(self._sync_state)
        self.shell.sync.start()
        self.shell.theme_changed.connect(self.theme_changed)

    def logout(self) -> None:
        """End the session (its context is wiped) and return to the profiles."""
        if self.ctx is None or self.shell is None:
            return
        ctx, shell = self.ctx, self.shell
        self.ctx = self.shell = None
        ctx.library.stop_updates()  # no progress reaches the page deleted below
        close_ai = shell.close_ai()
        shell.sync.stop()
        self._retired.append(shell.sync.runner)  # kept until its thread has ended
        if shell.ai_started is not None:
            self._retired.append(shell.ai_started)
        self.sync_state.hide()
        self.screens.setCurrentWidget(self.welcome)
        self.setWindowTitle("AIdioma")
        sync_service = shell.sync.service

        def end() -> None:
            close_ai()  # waits (on the worker) for the tutor's worker, then ends its talk
            sync_service.close()  # waits (on the worker) for a sync under way to end
            ctx.service.logout(ctx.learner)

        self.runner.run(end, lambda _r: self.welcome.reload(ctx.learner.profile_id))
        self.screens.removeWidget(shell)
        shell.deleteLater()

    def _sync_state(self, text: str, role: str) -> None:
        self.sync_state.set_full_text(text)
        self.sync_state.setProperty("role", role)
        self.sync_state.style().polish(self.sync_state)

    def final_logout(self) -> Callable[[], None] | None:
        """The work to run on the worker when the app quits (logout of the open session)."""
        if self.ctx is None or self.shell is None:
            return None
        ctx, sync = self.ctx, self.shell.sync
        close_ai = self.shell.close_ai()
        sync.stop()
        self._retired.append(sync.runner)
        if self.shell.ai_started is not None:
            self._retired.append(self.shell.ai_started)

        def end() -> None:
            close_ai()
            sync.service.close()
            ctx.service.logout(ctx.learner)

        return end

    def wait_for_workers(self) -> None:
        """At exit, after the final logout: the sync workers end before the process does."""
        for runner in self._retired:
            runner.wait_stopped()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.sync_state.updateGeometry()  # its room is half the window's width

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ui_settings.setValue("geometry", self.saveGeometry())
        super().closeEvent(event)
