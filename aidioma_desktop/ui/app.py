"""Start the desktop app: `aidioma` (or `python -m aidioma_desktop`)."""

from __future__ import annotations

import gc
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import __version__
from ..services.session import SessionService
from ..store.paths import AppPaths, resources_dir
from . import errors, theme
from .main_window import MainWindow
from .speech import Speaker
from .tasks import TaskRunner


class _FirstPaint(QObject):
    """For the startup benchmark: report when the Today page first shows real numbers."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            print(f"first-paint-ms {(time.perf_counter() - self.started) * 1000:.1f}", flush=True)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.quit)
        return False


# How long a thread holding Python's lock keeps it while another waits. The default 5 ms lets a
# worker parsing a model's stream hold the UI thread back by several milliseconds at each word;
# 1 ms hands the lock back to the UI sooner, at a small cost to the workers' throughput.
SWITCH_INTERVAL_S = 0.001


def create_app(argv: list[str]) -> QApplication:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("AIdioma")
    app.setApplicationDisplayName("AIdioma")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("AIdioma")
    app.setDesktopFileName("aidioma")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "aidioma.svg")))
    return app


def _freeze_startup_objects() -> None:
    """Once the modules and the content library are loaded (they live as long as the process),
    take them out of the garbage collector's full passes. A full pass walks every tracked object
    while holding the GIL: ~70k objects, ~50 ms here, a pause on the UI thread whichever thread
    triggers it (it hit the first Review or Today load). Only the first window of a process
    does it (tests build many)."""
    if not gc.get_freeze_count():
        gc.freeze()


def build(paths: AppPaths, profile: str | None = None) -> tuple[MainWindow, TaskRunner]:
    """The window and its worker; the content library and profiles load on the worker."""
    paths.ensure()
    ui_settings = QSettings(str(paths.data / "ui.ini"), QSettings.Format.IniFormat)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme.apply(app, str(ui_settings.value("theme", "system")))
    runner = TaskRunner()
    window = MainWindow(runner, ui_settings, Speaker())
    window.theme_changed.connect(lambda name: theme.apply(app, name))

    def ready(service: SessionService) -> None:
        _freeze_startup_objects()
        window.set_service(service)
        if profile:
            window.welcome.login_as(profile)

    runner.run(lambda: SessionService(paths), ready)
    return window, runner


def run(paths: AppPaths, profile: str | None = None) -> int:
    started = time.perf_counter()
    app = create_app(sys.argv[:1])
    errors.install(paths.logs)
    window, runner = build(paths, profile)
    if os.environ.get("AIDIOMA_EXIT_AFTER_FIRST_PAINT"):
        probe = _FirstPaint(started)

        def watch(*_args: object) -> None:
            # Runs right after the main window's own handler built the shell and asked for the
            # Today numbers, so their arrival cannot be missed.
            # The chart, not the page: a page covered by its children gets no paint events.
            today = window.shell.today if window.shell is not None else None
            if today is not None:
                chart = today.chart

                def probe_paints() -> None:
                    chart.installEventFilter(probe)
                    chart.update()

                today.loaded.connect(probe_paints)

        window.welcome.logged_in.connect(watch)
    window.show()
    code = app.exec()
    runner.shutdown(window.final_logout())
    window.wait_for_workers()
    return code
