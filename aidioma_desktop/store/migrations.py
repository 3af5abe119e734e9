"""Versioned schema: each step is plain SQL, applied in order when a database opens.

PRAGMA user_version holds the version reached; PRAGMA application_id marks the file as ours, so
a foreign SQLite file is refused instead of being written into.
"""

from __future__ import annotations

APPLICATION_ID = 0x41494449  # "AIDI"

MIGRATIONS: list[str] = [
    # 1: the first schema: profile, activity stream, content and projections, sessions.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE profile (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        password_hash TEXT
    );
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        hlc TEXT NOT NULL,
        device_id TEXT NOT NULL,
        occurred_at INTEGER NOT NULL,
        tz_offset_min INTEGER NOT NULL,
        v INTEGER NOT NULL,
        payload TEXT NOT NULL,
        content_id TEXT
    );
    CREATE INDEX ix_events_order ON events (hlc, id);
    CREATE INDEX ix_events_content ON events (content_id, hlc, id) WHERE content_id IS NOT NULL;
    CREATE TABLE content (
        id TEXT PRIMARY KEY,
        origin TEXT NOT NULL,
        level TEXT NOT NULL,
        category TEXT NOT NULL,
        es TEXT NOT NULL,
        en TEXT NOT NULL,
        data TEXT NOT NULL,
        added_hlc TEXT
    );
    CREATE INDEX ix_content_pick ON content (level, category);
    CREATE TABLE progress (
        content_id TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL,
        reviews INTEGER NOT NULL,
        best_score INTEGER NOT NULL,
        score_sum INTEGER NOT NULL,
        first_seen_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        card TEXT,
        due_ms INTEGER,
        mastered INTEGER NOT NULL,
        lapses INTEGER NOT NULL,
        last_hlc TEXT NOT NULL,
        last_id TEXT NOT NULL
    );
    CREATE INDEX ix_progress_due ON progress (due_ms);
    CREATE TABLE day_stats (
        day TEXT PRIMARY KEY,
        practice_ms INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        score_sum INTEGER NOT NULL,
        hints_used INTEGER NOT NULL,
        reviews INTEGER NOT NULL,
        readings INTEGER NOT NULL,
        conversations INTEGER NOT NULL,
        correct INTEGER NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        hlc TEXT NOT NULL,
        event_id TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        started_at INTEGER NOT NULL,
        ended_at INTEGER
    );
    CREATE TABLE session_context (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX ix_context_session ON session_context (session_id);
    """,
    # 2: uploaded-document metadata (never the content) and the evaluation cache.
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        session_id TEXT,
        filename TEXT NOT NULL,
        file_type TEXT NOT NULL,
        uploaded_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        error TEXT
    );
    CREATE TABLE evaluation_cache (
        key TEXT PRIMARY KEY,
        content_id TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        hit_count INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX ix_cache_content ON evaluation_cache (content_id);
    """,
    # 3: the sync outbox: local events not yet acknowledged by the sync server. Everything
    # recorded before sync existed was made on this device, so it all waits to be sent.
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE REFERENCES events (id)
    );
    INSERT INTO outbox (event_id) SELECT id FROM events ORDER BY hlc, id;
    """,
    # 4: events the sync server refused (with its reason) wait aside instead of blocking the
    # rest of the outbox.
    """
    ALTER TABLE outbox ADD COLUMN refused TEXT;
    """,
    # 5: a card's events are found by its content id alone and sorted when read (a replay
    # reads one card's few hundred). Keyed also by clock, the index cost more than the rest of
    # storing a first sync's hundred thousand events: they land all over it.
    """
    DROP INDEX ix_events_content;
    CREATE INDEX ix_events_content ON events (content_id) WHERE content_id IS NOT NULL;
    """,
    # 6: which setting values a profile was created with (they give way to the person's own
    # changes and to an account's earlier ones: projections.setting_wins). Values stored
    # before were all taken as changes, as their events carry no mark.
    """
    ALTER TABLE settings ADD COLUMN initial INTEGER NOT NULL DEFAULT 0;
    """,
    # 7: "I was right": answers the person accepted, and the attempts settled by it. Events of
    # these kinds that an older build kept unread get their content id, as it stores a card's
    # events (their projections are rebuilt after the upgrade: REPROJECT).
    """
    CREATE TABLE settled_attempts (
        content_id TEXT NOT NULL,
        attempt_id TEXT NOT NULL,
        verdict TEXT,
        score INTEGER,
        hlc TEXT NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (content_id, attempt_id)
    );
    CREATE TABLE accepted_answers (
        content_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        answer_key TEXT NOT NULL,
        answer TEXT NOT NULL,
        accepted INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (content_id, direction, answer_key)
    );
    UPDATE events SET content_id = json_extract(payload, '$.content_id')
    WHERE kind IN ('answer.accepted', 'answer.unaccepted')
        AND json_type(payload, '$.content_id') = 'text';
    """,
    # 8: the AI tutor's turns are kept per conversation, so that one ends without the session.
    """
    ALTER TABLE session_context ADD COLUMN conversation_id TEXT;
    CREATE INDEX ix_session_context_conversation ON session_context (conversation_id);
    """,
    # 9: the AI tutor's verdicts on attempts (attempt.checked) settle them: stored with their
    # content id, as the other settling events.
    """
    UPDATE events SET content_id = json_extract(payload, '$.content_id')
    WHERE kind = 'attempt.checked' AND json_type(payload, '$.content_id') = 'text';
    """,
    # 10: nothing of a document's text is kept: the description (its first sentence) goes,
    # overwritten rather than freed; what is kept instead is not text (size, words, language,
    # level).
    """
    PRAGMA secure_delete = ON;
    UPDATE documents SET description = '';
    ALTER TABLE documents DROP COLUMN description;
    ALTER TABLE documents ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN words INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN level TEXT NOT NULL DEFAULT '';
    """,
]

LATEST = len(MIGRATIONS)

# Kinds that the build of a schema version is the first to project. An older build stored such
# events from other devices unread; once the file is upgraded past that version, its projections
# are rebuilt if it holds any, so that they count.
REPROJECT: dict[int, tuple[str, ...]] = {
    7: ("answer.accepted", "answer.unaccepted"),
    9: ("attempt.checked",),
}
