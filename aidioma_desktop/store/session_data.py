"""What lives only for a session, or only as metadata: the sessions and the tutor's turns of a
running conversation (wiped with secure_delete), the documents' metadata (never their text),
and the tutor's verdict cache."""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any, cast

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from .core import DatabaseCore, _guard
from .models import DocumentRow, EvaluationCacheRow, SessionContextRow, SessionRow

log = logging.getLogger(__name__)


class SessionData(DatabaseCore):
    # ---- sessions and their context ---------------------------------------------------

    @_guard
    def open_session(self, session_id: str, now_ms: int) -> None:
        with self._session() as s, s.begin():
            s.add(SessionRow(id=session_id, started_at=now_ms, ended_at=None))

    @_guard
    def end_session(self, session_id: str, now_ms: int) -> None:
        """End a session and delete everything it kept (conversation turns)."""
        with self._session() as s, s.begin():
            _secure_delete(s, SessionContextRow.session_id == session_id)
            s.execute(update(SessionRow).where(SessionRow.id == session_id).values(ended_at=now_ms))
        self._checkpoint()

    @_guard
    def end_stale_sessions(self, now_ms: int) -> list[str]:
        """Sessions that never logged out (a crash or a kill): end them and wipe their context."""
        with self._session() as s, s.begin():
            stale = list(s.scalars(select(SessionRow.id).where(SessionRow.ended_at.is_(None))))
            if stale:
                _secure_delete(s, SessionContextRow.session_id.in_(stale))
                s.execute(
                    update(SessionRow).where(SessionRow.id.in_(stale)).values(ended_at=now_ms)
                )
        if stale:
            self._checkpoint()
        return stale

    @_guard
    def add_turn(
        self, session_id: str, conversation_id: str, role: str, content: str, now_ms: int
    ) -> None:
        """One turn of a tutor conversation: kept only until the conversation ends."""
        with self._session() as s, s.begin():
            s.add(
                SessionContextRow(
                    session_id=session_id,
                    conversation_id=conversation_id,
                    role=role,
                    content=content,
                    created_at=now_ms,
                )
            )

    @_guard
    def turns(self, conversation_id: str) -> list[tuple[str, str]]:
        with self._session() as s:
            rows = s.execute(
                select(SessionContextRow.role, SessionContextRow.content)
                .where(SessionContextRow.conversation_id == conversation_id)
                .order_by(SessionContextRow.id)
            )
            return [(r, c) for r, c in rows]

    @_guard
    def wipe_conversation(self, conversation_id: str) -> None:
        """Delete a conversation's turns so that their text is nowhere in the files: the pages
        overwritten (secure_delete) and the write-ahead log emptied into the database."""
        with self._session() as s, s.begin():
            _secure_delete(s, SessionContextRow.conversation_id == conversation_id)
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Empty the write-ahead log into the database and truncate it: deleted text lingers
        in the log's frames until then. Best effort: another connection reading may keep it
        busy, and the next checkpoint (SQLite's own, or at close) finishes it."""
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except (DatabaseError, sqlite3.DatabaseError):  # a full disk: the wipe itself is done
            log.warning("The write-ahead log could not be checkpointed now")

    # ---- documents (metadata only) and the evaluation cache ----------------------------

    @_guard
    def documents(self) -> list[DocumentRow]:
        with self._session() as s:
            return list(
                s.scalars(select(DocumentRow).order_by(DocumentRow.uploaded_at, DocumentRow.id))
            )

    # (documents: written by services/library.py; never a document's content)
    @_guard
    def add_document(
        self,
        doc_id: str,
        session_id: str | None,
        filename: str,
        file_type: str,
        uploaded_at: int,
        status: str,
        error: str | None = None,
        size_bytes: int = 0,
    ) -> None:
        with self._session() as s, s.begin():
            s.add(
                DocumentRow(
                    id=doc_id,
                    session_id=session_id,
                    filename=filename,
                    file_type=file_type,
                    uploaded_at=uploaded_at,
                    status=status,
                    error=error,
                    size_bytes=size_bytes,
                )
            )

    @_guard
    def update_document(
        self,
        doc_id: str,
        status: str,
        error: str | None = None,
        *,
        words: int | None = None,
        language: str | None = None,
        level: str | None = None,
    ) -> None:
        """A document's status, and once it is read what is known of it that is not its text:
        its word count, language and level."""
        values: dict[str, Any] = {"status": status, "error": error}
        for name, value in (("words", words), ("language", language), ("level", level)):
            if value is not None:
                values[name] = value
        with self._session() as s, s.begin():
            s.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(**values))

    @_guard
    def expire_documents(self, session_id: str | None) -> int:
        """Documents whose session ended (`session_id`, or every session when None) are no
        longer available: their text and vectors lived only in that session."""
        with self._session() as s, s.begin():
            query = update(DocumentRow).where(
                DocumentRow.status.in_(("pending", "processing", "ready"))
            )
            if session_id is not None:
                query = query.where(DocumentRow.session_id == session_id)
            # An UPDATE's result is a CursorResult, which Session.execute's types don't say.
            done = cast("CursorResult[Any]", s.execute(query.values(status="expired")))
            return done.rowcount or 0

    @_guard
    def delete_document(self, doc_id: str) -> None:
        with self._session() as s, s.begin():
            s.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))

    # (end of documents)

    @_guard
    def cached_evaluation(self, key: str) -> dict[str, Any] | None:
        with self._session() as s, s.begin():
            row = s.get(EvaluationCacheRow, key)
            if row is None:
                return None
            row.hit_count += 1
            result: dict[str, Any] = json.loads(row.result)
            return result

    @_guard
    def cached_evaluations(self, group: str) -> list[dict[str, Any]]:
        """Every cached verdict of one sentence and direction (`group`)."""
        with self._session() as s:
            rows = s.scalars(
                select(EvaluationCacheRow.result).where(EvaluationCacheRow.content_id == group)
            )
            return [json.loads(r) for r in rows]

    @_guard
    def cache_evaluation(
        self, key: str, content_id: str, result: dict[str, Any], now_ms: int
    ) -> None:
        with self._session() as s, s.begin():
            s.merge(
                EvaluationCacheRow(
                    key=key,
                    content_id=content_id,
                    result=json.dumps(result),
                    created_at=now_ms,
                    hit_count=0,
                )
            )


def _secure_delete(s: Session, where: Any) -> None:
    """Delete session context rows with their pages overwritten, not only freed."""
    conn = s.connection()
    conn.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        s.execute(delete(SessionContextRow).where(where))
    finally:
        conn.exec_driver_sql("PRAGMA secure_delete = OFF")
