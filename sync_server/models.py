"""The server's tables (SQLAlchemy 2 typed ORM). Times are Unix milliseconds, UTC.

Every personal row carries user_id: events are keyed (user_id, id), so two people's event ids
never collide and nobody can learn whether an id exists in another account.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# An event's canonical JSON; its payload alone may reach MAX_PAYLOAD_BYTES, past MySQL's TEXT.
BodyText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(40))  # as registered
    username_key: Mapped[str] = mapped_column(String(40), unique=True)  # lowercased, for lookup
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)  # the user's last event sequence
    last_sync_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Token(Base):
    __tablename__ = "tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[int] = mapped_column(BigInteger)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("user_id", "seq", name="uq_events_user_seq"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[str] = mapped_column(String(64))  # the device that pushed it
    hlc: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(BodyText)  # canonical compact JSON, served as is
    received_at: Mapped[int] = mapped_column(BigInteger)


class LoginFailure(Base):
    """One failed login (or wrong invite code), keyed "user:<name>" or "addr:<ip>"; `pending`
    while the attempt is being checked (it is then either forgotten or a failure).

    Kept in the database, not in memory, so that several workers share the counts.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[int] = mapped_column(BigInteger)
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ServerState(Base):
    """Server-wide values kept across restarts (the family invite code)."""

    __tablename__ = "server_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
