"""Server settings: environment (`AIDIOMA_SYNC_*`) and command line, with zero-setup defaults.

With nothing set, the server keeps a SQLite database in its platformdirs data folder
("AIdioma Sync"); `database_url` points it at PostgreSQL or MariaDB instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "AIdioma Sync"
ENV_PREFIX = "AIDIOMA_SYNC_"
DATABASE_FILE = "sync.sqlite3"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    # e.g. postgresql+psycopg://user:pw@host/db or mysql+pymysql://user:pw@host/db?charset=utf8mb4;
    # empty: SQLite in data_dir.
    database_url: str = ""
    db_pool_size: int = Field(10, ge=1)
    db_max_overflow: int = Field(20, ge=0)

    host: str = "127.0.0.1"
    port: int = Field(8765, ge=0, le=65535)
    workers: int = Field(1, ge=1)
    ssl_keyfile: Path | None = None
    ssl_certfile: Path | None = None
    # Proxies trusted to set X-Forwarded-For (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    # Checked here, not only by the command line: uvicorn fails on an unknown level from the
    # environment with a KeyError.
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"

    token_days: int = Field(90, ge=1)
    # Failed logins per username / per client address within the window, then 429.
    login_max_failures_per_user: int = Field(5, ge=1)
    login_max_failures_per_address: int = Field(20, ge=1)
    login_window_s: int = Field(15 * 60, ge=1)

    # argon2id cost (argon2-cffi's defaults, RFC 9106 low-memory profile). Tests lower them.
    password_time_cost: int = Field(3, ge=1)
    password_memory_kib: int = Field(64 * 1024, ge=8)
    password_parallelism: int = Field(4, ge=1)
    # Each hash takes password_memory_kib: at most this many at once per process (login and
    # register), and a request waits this long for a turn before answering 429.
    max_concurrent_password_checks: int = Field(2, ge=1)
    password_check_wait_s: float = Field(2.0, ge=0)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / DATABASE_FILE}"

    def env(self) -> dict[str, str]:
        """These settings as AIDIOMA_SYNC_* variables, for worker processes to read back."""
        out: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if value is not None:
                out[ENV_PREFIX + name.upper()] = str(value)
        return out
