"""A log a person can send: a few rotating files of 1 MB at most in the platform's log folder.

It holds what went wrong and where, never what a person wrote or read: an exception is logged
as its type and the frames it passed through, without its message (a message may quote an
answer, a document, a conversation turn or a key). The app's own log calls pass no personal
text either; the libraries that would log addresses or requests are kept to warnings.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

FILE_NAME = "aidioma.log"
MAX_BYTES = 1_000_000
BACKUPS = 3  # with the current file: four files, the oldest dropped
_QUIET = ("httpx", "httpcore", "chromadb", "urllib3", "uvicorn.access", "multipart", "PIL")

log = logging.getLogger("aidioma")
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def describe(
    kind: type[BaseException], error: BaseException | None, tb: TracebackType | None
) -> str:
    """An exception as the log keeps it: its type and the frames it came through, without its
    message (which may quote what a person wrote)."""
    lines = [f"{kind.__module__}.{kind.__qualname__}".removeprefix("builtins.")]
    if isinstance(error, OSError) and error.errno is not None:
        lines[0] += f" (errno {error.errno})"  # says what the system refused, not the file's text
    for frame in traceback.extract_tb(tb):
        lines.append(f'  File "{Path(frame.filename).name}", line {frame.lineno}, in {frame.name}')
    cause = error.__cause__ if error is not None else None
    if cause is not None:
        lines.append("Caused by " + describe(type(cause), cause, cause.__traceback__))
    return "\n".join(lines)


class SafeFormatter(logging.Formatter):
    """Exceptions without their messages (`describe`)."""

    def formatException(self, ei: ExcInfo) -> str:
        kind, error, tb = ei
        return describe(kind, error, tb) if kind is not None else ""


def setup(folder: Path, level: int = logging.INFO) -> Path | None:
    """Log to `folder`/aidioma.log (rotating), catch uncaught exceptions in any thread. Returns
    the file, or None where the folder cannot be written (the app runs on without a log)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / FILE_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(
        SafeFormatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "aidioma", False)]:
        root.removeHandler(old)
        old.close()
    handler.aidioma = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    threading.excepthook = _thread_exception
    log.info("started (Python %s, %s)", sys.version.split()[0], sys.platform)
    return folder / FILE_NAME


def uncaught(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """Log an exception nothing caught (the UI adds a dialog on top)."""
    log.critical("Uncaught exception", exc_info=(kind, error, tb))


def _thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    log.critical(
        "Uncaught exception in thread %s",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
    )
