"""Desktop app figures: startup to the first painted Today page, UI stalls, page switches.

The profile holds 100k events; Qt runs offscreen.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.services.session import SessionService
from aidioma_desktop.store.paths import AppPaths

from .core import percentile
from .data import T_END, activity

PROBE_MS = 5


def make_profile(root: Path, events: int) -> AppPaths:
    paths = AppPaths.resolve(root)
    library = ContentLibrary.load()
    service = SessionService(paths, ManualClock(T_END - 3_600_000), library)
    service.create_profile("Bench")
    learner = service.login("Bench")
    learner.db.append(activity(events, list(library.sentences), device=learner.device_id))
    service.logout(learner)
    return paths


def startup_ms(paths: AppPaths) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AIDIOMA_EXIT_AFTER_FIRST_PAINT": "1"}
    command = [
        sys.executable,
        "-m",
        "aidioma_desktop",
        "--data-dir",
        str(paths.data),
        "--profile",
        "Bench",
    ]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("first-paint-ms"):
            elapsed = (time.perf_counter() - started) * 1000
            break
    else:
        raise RuntimeError("the app exited without painting")
    child.wait(timeout=60)
    return elapsed


class StallProbe:
    """A timer that should fire every PROBE_MS; the longest gap beyond that is a UI stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.worst = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, (now - self.last) * 1000 - PROBE_MS)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        return self.worst


def wait_until(app: object, condition: Callable[[], bool], timeout_s: float = 60) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 5)  # type: ignore[attr-defined]


def in_app(paths: AppPaths) -> Iterator[tuple[str, float, str]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from aidioma_desktop.ui.app import build, create_app

    app = create_app(["bench"])
    window, runner = build(paths)
    window.resize(1280, 800)
    window.show()
    wait_until(app, lambda: window.service is not None and not runner.busy)

    probe = StallProbe()
    probe.start()
    window.welcome.login_as("Bench")
    wait_until(app, lambda: window.shell is not None and window.shell.today.dashboard is not None)
    stall_today = probe.stop()

    shell = window.shell
    assert shell is not None
    shell.show_page(1)
    wait_until(app, lambda: not runner.busy and shell.practice.item is not None)
    page = shell.practice
    probe = StallProbe()
    probe.start()
    for _ in range(20):
        item = page.item
        assert item is not None
        page.answer.insert(item.references[0])
        QTest.keyClick(page.answer, Qt.Key.Key_Return)
        wait_until(app, lambda: page.result is not None)
        QTest.keyClick(page.answer, Qt.Key.Key_Return)
        wait_until(
            app,
            lambda item=item: page.result is None and page.item is not item and not runner.busy,
        )
    stall_practice = probe.stop()

    switches = []
    pages = shell.nav.count()  # every page of the sidebar (Ctrl+1..6)
    # A stride coprime with the page count visits every page, in a mixed order.
    stride = next(s for s in (3, 5, 7, 1) if math.gcd(s, pages) == 1)
    for i in range(40):
        target = (i * stride + 1) % pages
        started = time.perf_counter()
        shell.show_page(target)
        wait_until(app, lambda: not runner.busy)
        window.repaint()  # paint now: the figure includes drawing the page with its data
        switches.append((time.perf_counter() - started) * 1000)
    runner.shutdown(window.final_logout())
    window.wait_for_workers()
    window.close()
    yield "ui_stall_max_ms", max(stall_today, stall_practice), "ms"
    yield "ui_stall_today_ms", stall_today, "ms"
    yield "ui_stall_practice20_ms", stall_practice, "ms"
    yield "page_switch_p50_ms", statistics.median(switches), "ms"
    yield "page_switch_p95_ms", percentile(switches, 0.95), "ms"


def run() -> Iterator[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as folder:
        paths = make_profile(Path(folder), 100_000)
        startups = [startup_ms(paths) for _ in range(3)]
        yield "startup_ms", statistics.median(startups), "ms"
        yield from in_app(paths)
