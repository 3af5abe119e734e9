"""An exclusive lock per profile, so one profile is open in one place at a time.

The operating system releases the lock when the process ends, even on a crash or a kill, so a
stale lock never keeps anyone out.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from ..domain.errors import AppError


class ProfileInUse(AppError):
    pass


class ProfileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    def acquire(self, who: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open while the profile is in use
        try:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise ProfileInUse(
                f"{who}'s profile is already open in another AIdioma window or terminal. "
                "Close it there first."
            ) from exc
        handle.truncate(0)
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file releases the lock
            self._handle = None
