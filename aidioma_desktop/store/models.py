"""Typed ORM mappings of the tables that migrations.py creates (migrations own the DDL)."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


class ProfileRow(Base):
    __tablename__ = "profile"
    id: Mapped[str] = mapped_column(primary_key=True)
    created_at: Mapped[int]
    password_hash: Mapped[str | None]


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(primary_key=True)
    kind: Mapped[str]
    hlc: Mapped[str]
    device_id: Mapped[str]
    occurred_at: Mapped[int]
    tz_offset_min: Mapped[int]
    v: Mapped[int]
    payload: Mapped[str]
    content_id: Mapped[str | None]


class OutboxRow(Base):
    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), unique=True)
    refused: Mapped[str | None]  # the server's reason, when it refused the event


class ContentRow(Base):
    __tablename__ = "content"
    id: Mapped[str] = mapped_column(primary_key=True)
    origin: Mapped[str]  # "library" (shipped) or "added" (card.added)
    level: Mapped[str]
    category: Mapped[str]
    es: Mapped[str]
    en: Mapped[str]
    data: Mapped[str]  # JSON: accepted translations, hints, grammar
    added_hlc: Mapped[str | None]


class ProgressRow(Base):
    __tablename__ = "progress"
    content_id: Mapped[str] = mapped_column(primary_key=True)
    attempts: Mapped[int]
    reviews: Mapped[int]
    best_score: Mapped[int]
    score_sum: Mapped[int]
    first_seen_ms: Mapped[int]
    last_seen_ms: Mapped[int]
    card: Mapped[str | None]
    due_ms: Mapped[int | None]
    mastered: Mapped[bool]
    lapses: Mapped[int]
    last_hlc: Mapped[str]
    last_id: Mapped[str]


class DayStatsRow(Base):
    __tablename__ = "day_stats"
    day: Mapped[str] = mapped_column(primary_key=True)
    practice_ms: Mapped[int]
    attempts: Mapped[int]
    score_sum: Mapped[int]
    hints_used: Mapped[int]
    reviews: Mapped[int]
    readings: Mapped[int]
    conversations: Mapped[int]
    correct: Mapped[int]


class SettledAttemptRow(Base):
    """The latest event that settled a practice attempt (projections.Settlement)."""

    __tablename__ = "settled_attempts"
    content_id: Mapped[str] = mapped_column(primary_key=True)
    attempt_id: Mapped[str] = mapped_column(primary_key=True)
    verdict: Mapped[str | None]  # None: the attempt's own verdict and score stand
    score: Mapped[int | None]
    hlc: Mapped[str]
    event_id: Mapped[str]


class AcceptedAnswerRow(Base):
    """An answer the person accepted for a sentence and direction, or took back (accepted 0):
    the latest event of each (projections.answer_key) wins."""

    __tablename__ = "accepted_answers"
    content_id: Mapped[str] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(primary_key=True)
    answer_key: Mapped[str] = mapped_column(primary_key=True)
    answer: Mapped[str]  # as typed
    accepted: Mapped[bool]
    hlc: Mapped[str]
    event_id: Mapped[str]


class SettingRow(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]  # JSON
    hlc: Mapped[str]
    event_id: Mapped[str]
    initial: Mapped[bool]  # set when the profile was created, not changed by the person


class SessionRow(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(primary_key=True)
    started_at: Mapped[int]
    ended_at: Mapped[int | None]


class SessionContextRow(Base):
    __tablename__ = "session_context"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    role: Mapped[str]
    content: Mapped[str]
    created_at: Mapped[int]
    conversation_id: Mapped[str | None]


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(primary_key=True)
    session_id: Mapped[str | None]
    filename: Mapped[str]
    file_type: Mapped[str]
    uploaded_at: Mapped[int]
    status: Mapped[str]
    error: Mapped[str | None]
    size_bytes: Mapped[int] = mapped_column(default=0)
    words: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(default="")  # "es", "en", "de"...; "" not known yet
    level: Mapped[str] = mapped_column(default="")  # beginner, intermediate, advanced; ""


class EvaluationCacheRow(Base):
    __tablename__ = "evaluation_cache"
    key: Mapped[str] = mapped_column(primary_key=True)
    content_id: Mapped[str]
    result: Mapped[str]  # JSON
    created_at: Mapped[int]
    hit_count: Mapped[int]
