"""The background-task helper: all data work runs on one worker thread.

Like Anki's CollectionOp/QueryOp: a page hands a function to `TaskRunner.run`; it runs on the
worker (which owns the profile database), and its result (or error) comes back on the main
thread to the page's callback. The UI thread never waits on disk, network or a model.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..domain.errors import USER_ERRORS

log = logging.getLogger(__name__)


def readable(error: BaseException) -> str:
    """A message for the person using the app."""
    if isinstance(error, USER_ERRORS):
        return str(error)
    if isinstance(error, OSError):
        return f"The file system said: {error.strerror or error}. Nothing was lost."
    return f"Something went wrong ({type(error).__name__}: {error}). What was saved before is safe."


class _Worker(QObject):
    finished = Signal(int, object, object)  # job id, result, error

    @Slot(int, object)
    def execute(self, job_id: int, work: Callable[[], Any]) -> None:
        try:
            result = work()
        except Exception as exc:  # delivered to the caller's error callback
            # A person's mistake or the world's (AppError: wrong password, server down) is
            # said on screen; anything else is a bug, kept in the log (without its message).
            level = logging.DEBUG if isinstance(exc, USER_ERRORS) else logging.WARNING
            log.log(level, "background task failed", exc_info=True)
            self.finished.emit(job_id, None, exc)
        else:
            self.finished.emit(job_id, result, None)


@dataclass
class _Job:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None


class TaskRunner(QObject):
    """Runs work in order on a single worker thread; callbacks run on the main thread."""

    failed = Signal(str)  # a readable message, for errors no caller handled
    busy_changed = Signal(bool)
    _submit = Signal(int, object)

    def __init__(self, parent: QObject | None = None, name: str = "aidioma-data") -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Job] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.execute)
        self._worker.finished.connect(self._finished)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        job_id = next(self._ids)
        was_busy = self.busy
        self._jobs[job_id] = _Job(on_done, on_error)
        if not was_busy:
            self.busy_changed.emit(True)
        self._submit.emit(job_id, work)
        return job_id

    @Slot(int, object, object)
    def _finished(self, job_id: int, result: Any, error: BaseException | None) -> None:
        job = self._jobs.pop(job_id, None)
        if not self._jobs:
            self.busy_changed.emit(False)
        if job is None:
            return
        if error is None:
            if job.on_done is not None:
                job.on_done(result)
        elif job.on_error is not None:
            job.on_error(error)
        else:
            self.failed.emit(readable(error))

    def stop(self) -> None:
        """Drop the callbacks of queued work and let the worker end after its current job,
        without waiting for it (the UI thread never waits on the network)."""
        self._jobs.clear()
        self.busy_changed.emit(False)
        self._thread.quit()

    def wait_stopped(self, timeout_ms: int = 10_000) -> None:
        """At exit only: let a stopped worker end before the process does."""
        self._thread.wait(timeout_ms)

    def shutdown(self, last: Callable[[], Any] | None = None, timeout_s: float = 30) -> None:
        """Run `last` (e.g. logout) after the queued work, then stop the worker.

        Only at exit does the main thread wait: the window is already closing.
        """
        done = threading.Event()

        def final() -> None:
            try:
                if last is not None:
                    last()
            finally:
                done.set()

        self._submit.emit(0, final)
        done.wait(timeout_s)
        self._thread.quit()
        self._thread.wait()
