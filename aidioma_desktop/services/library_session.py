"""What one session of the Library holds in memory (the documents' texts, the Chroma index,
the folder uploaded copies pass through) and how it ends: the wipe at logout, and the clean-up
of what a crash left. Apart from the Library itself, so that logging in and out (session.py)
need not import it."""

from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..documents.index import SessionIndex
from ..documents.pipeline import DocumentText
from ..store.database import ProfileDatabase
from ..store.locks import ProfileInUse, ProfileLock
from ..store.paths import AppPaths


@dataclass
class LibrarySession:
    """What one session holds in memory (and the folder that the uploaded copies pass through)."""

    session_id: str
    folder: Path
    lock: ProfileLock
    index: SessionIndex
    texts: dict[str, DocumentText] = field(default_factory=dict)
    cancels: dict[str, threading.Event] = field(default_factory=dict)
    fractions: dict[str, float] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)  # taken out of the list while processing
    # Set once the session ends (logout): every job stops at its next batch and touches
    # nothing any more (not the index, not the database, not a page).
    stop: threading.Event = field(default_factory=threading.Event)
    # Held around the jobs' short writes (the index, the database) and while the session is
    # stopped, never around an embedding call: so a wipe waits for a write, not for a model.
    work: threading.Lock = field(default_factory=threading.Lock)
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="aidioma-ingest")
    )


_sessions: dict[str, LibrarySession] = {}
_sessions_lock = threading.Lock()


def _lock_path(paths: AppPaths, session_id: str) -> Path:
    return paths.data / "locks" / f"session-{session_id}.lock"


def open_session(paths: AppPaths, session_id: str) -> LibrarySession:
    with _sessions_lock:
        state = _sessions.get(session_id)
        if state is None:
            lock = ProfileLock(_lock_path(paths, session_id))
            lock.acquire("This session")  # held while the process lives: see clean_up_folders
            state = LibrarySession(
                session_id, paths.sessions / session_id, lock, SessionIndex(session_id)
            )
            _sessions[session_id] = state
        return state


def clean_up_folders(paths: AppPaths) -> list[str]:
    """Remove the session folders left by a crash or a kill (at start and at login).

    A folder whose session lock is still held belongs to a session running in another AIdioma
    window (another profile) and is left alone; the OS releases the lock of a dead process.
    """
    removed: list[str] = []
    if not paths.sessions.exists():
        return removed
    for entry in sorted(paths.sessions.iterdir()):
        if entry.name in _sessions:
            continue
        lock = ProfileLock(_lock_path(paths, entry.name))
        try:
            lock.acquire("A session")
        except ProfileInUse:
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry.name)
        finally:
            lock.release()
            lock.path.unlink(missing_ok=True)
    return removed


def clean_up_at_login(paths: AppPaths, db: ProfileDatabase) -> None:
    """After a crash: leftover folders go, and documents of sessions that ended are marked no
    longer available (their text and vectors are gone)."""
    clean_up_folders(paths)
    db.expire_documents(None)


def _stop(state: LibrarySession) -> None:
    """The session is ending: no job writes anything from now on (waits for a write under way,
    never for an embedding call, however slow the model or the service is)."""
    with state.work:
        state.stop.set()
        for cancel in list(state.cancels.values()):
            cancel.set()


def wipe_session(paths: AppPaths, db: ProfileDatabase, session_id: str) -> None:
    """At logout: stop processing, then delete the session's vectors, texts and folder.

    A job blocked in an embedding call is not waited for: it finds the session stopped when
    the call returns and ends without writing anything (its thread then exits).
    """
    state = _sessions.get(session_id)
    if state is not None:
        _stop(state)
        state.executor.shutdown(wait=False, cancel_futures=True)
        for doc_id in state.removed:  # taken out of the list while processing: gone for good
            db.delete_document(doc_id)
        with _sessions_lock:
            _sessions.pop(session_id, None)
        state.index.wipe()
        state.texts.clear()
        shutil.rmtree(state.folder, ignore_errors=True)
        state.lock.release()
        state.lock.path.unlink(missing_ok=True)
    else:
        shutil.rmtree(paths.sessions / session_id, ignore_errors=True)
    db.expire_documents(session_id)
