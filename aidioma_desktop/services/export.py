"""Export all of a profile's data as one JSON document (the person owns their data)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from aidioma_protocol.events import format_instant

from .. import __version__
from ..domain.review import card_to_dict
from .session import Learner

EXPORT_FORMAT = "aidioma-profile-export"


def export_profile(learner: Learner, out: TextIO) -> int:
    """Write the export to `out`; returns the number of events written.

    Everything the profile holds is included except secrets: the password hash never leaves.
    """
    db = learner.db
    profile = db.profile()
    assert profile is not None
    head: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "format_version": 1,
        "app_version": __version__,
        "exported_at": format_instant(learner.clock.now_ms()),
        "profile": {
            "id": profile.id,
            "created_at": format_instant(profile.created_at),
            "has_password": bool(profile.password_hash),
        },
        "settings": learner.settings(),
        "progress": [
            {
                "content_id": p.content_id,
                "attempts": p.attempts,
                "reviews": p.reviews,
                "best_score": p.best_score,
                "average_score": p.average_score,
                "mastered": p.mastered,
                "lapses": p.lapses,
                "due": format_instant(p.due_ms) if p.due_ms is not None else None,
                "card": card_to_dict(p.card) if p.card is not None else None,
            }
            for p in db.all_progress()
        ],
        "daily_stats": [
            {
                "day": d.day.isoformat(),
                "minutes": round(d.minutes, 2),
                "sentences": d.attempts,
                "reviews": d.reviews,
                "average_score": d.average_score,
                "hints_used": d.hints_used,
            }
            for d in db.day_stats()
        ],
        "documents": [
            {
                "filename": d.filename,
                "type": d.file_type,
                "status": d.status,
                "uploaded_at": format_instant(d.uploaded_at),
                "size_bytes": d.size_bytes,
                "words": d.words,
                "language": d.language,
                "level": d.level,
            }
            for d in db.documents()
        ],
    }
    events = [event.to_dict() for event in db.events()]
    json.dump(head | {"events": events}, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(events)
