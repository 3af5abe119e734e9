"""What every page gets: the task runner and the logged-in learner's services.

Services are used only from the runner's worker thread; pages see their results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings

from ..services.library import EmbeddingConfig, LibraryService
from ..services.practice import PracticeService
from ..services.review import ReviewService
from ..services.session import Learner, SessionService
from ..services.stats import StatsService
from .tasks import TaskRunner


@dataclass
class Context:
    runner: TaskRunner
    service: SessionService
    learner: Learner
    ui_settings: QSettings
    # The learner's settings as they were at login, read on the worker with the login itself:
    # the UI thread never reads the database (pages that show settings ask the worker again).
    settings: dict[str, Any]

    def __post_init__(self) -> None:
        self.practice = PracticeService(self.learner)
        self.review = ReviewService(self.learner)
        self.stats = StatsService(self.learner)
        self.library = LibraryService(
            self.learner, self.service.paths, embedding_config(self.ui_settings)
        )

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        return self.runner.run(work, on_done, on_error)


def embedding_config(ui_settings: QSettings) -> EmbeddingConfig:
    """This computer's choice of embedding model (Settings → Embeddings); the API key is read
    from the OS keyring by the library service, off the UI thread."""
    return EmbeddingConfig(
        provider=str(ui_settings.value("embeddings/provider", "builtin")),
        url=str(ui_settings.value("embeddings/url", "")),
        model=str(ui_settings.value("embeddings/model", "")),
        insecure=str(ui_settings.value("embeddings/insecure", "false")).lower() == "true",
    )
