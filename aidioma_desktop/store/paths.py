"""Where AIdioma keeps its files: platformdirs' user folders, or one folder given by the user.

`--data-dir` / `AIDIOMA_DATA_DIR` put everything (profiles, cache, session scratch) under one
folder: for tests and portable installs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "AIdioma"
ENV_DATA_DIR = "AIDIOMA_DATA_DIR"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    cache: Path
    sessions: Path  # per-session scratch (uploaded copies, session vectors): wiped at logout
    logs: Path  # the log a person can send (aidioma_desktop/logs.py)

    @property
    def profiles(self) -> Path:
        return self.data / "profiles"

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
        chosen = data_dir or os.environ.get(ENV_DATA_DIR)
        if chosen:
            root = Path(chosen).expanduser().resolve()
            return cls(root, root / "cache", root / "sessions", root / "logs")
        data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        cache = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
        logs = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
        return cls(data, cache, data / "sessions", logs)

    def ensure(self) -> None:
        for folder in (self.data, self.profiles, self.cache, self.sessions):
            folder.mkdir(parents=True, exist_ok=True)


def resources_dir() -> Path:
    """Shipped content: the repository's (or the installer's) `resources/` beside the package."""
    override = os.environ.get("AIDIOMA_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "resources"
