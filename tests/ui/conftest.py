"""A real app window on a real data folder; every store call runs on the app's worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.store.paths import AppPaths
from aidioma_desktop.ui.app import build, create_app
from aidioma_desktop.ui.main_window import MainWindow

WAIT_MS = 15_000


class AppHarness:
    def __init__(self, qtbot, paths: AppPaths) -> None:
        self.qtbot = qtbot
        self.paths = paths
        self.window: MainWindow | None = None
        self.runner = None

    def start(self, profile: str | None = None, resize: bool = True) -> MainWindow:
        create_app(["aidioma-tests"])
        self.window, self.runner = build(self.paths, profile)
        self.qtbot.addWidget(self.window)
        if resize:
            self.window.resize(1280, 800)
        self.window.show()
        self.qtbot.waitUntil(lambda: self.window.service is not None, timeout=WAIT_MS)
        if profile:
            self.qtbot.waitUntil(lambda: self.window.shell is not None, timeout=WAIT_MS)
        self.idle()
        return self.window

    def idle(self) -> None:
        """Wait until the worker has delivered every result (no sleeping)."""
        self.qtbot.waitUntil(lambda: not self.runner.busy, timeout=WAIT_MS)

    def stop(self) -> None:
        if self.runner is not None and self.window is not None:
            self.runner.shutdown(self.window.final_logout())
            self.window.wait_for_workers()
            self.window.close()
            self.runner = None


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(tmp_path / "data")


@pytest.fixture
def make_profile(paths: AppPaths) -> Callable[..., None]:
    def make(name: str = "Ana", **kwargs: object) -> None:
        service = SessionService(paths, ManualClock(1_795_341_600_000))
        service.create_profile(name, **kwargs)

    return make


@pytest.fixture
def harness(qtbot, paths: AppPaths) -> Iterator[AppHarness]:
    h = AppHarness(qtbot, paths)
    yield h
    h.stop()
