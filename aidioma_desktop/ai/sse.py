"""Server-sent events, as the OpenAI-compatible servers and Anthropic stream them: one `data:`
line a message (neither sends multi-line data), `event:` naming it (Anthropic), blank lines
between messages, `:` comment lines as keep-alives (OpenRouter)."""

from __future__ import annotations

import json
from typing import Any

from .http import WireError


def data_of(line: str) -> dict[str, Any] | str | None:
    """The JSON object of a `data:` line; the raw text for a data line that is not JSON
    (`[DONE]`); None for the lines that carry nothing (blank, comment, event, id, retry).
    WireError for a line that is not server-sent events at all."""
    if not line.strip() or line.startswith(":"):
        return None
    field, _, value = line.partition(":")
    if field in ("event", "id", "retry"):
        return None
    if field != "data":
        raise WireError(line[:80])
    value = value.removeprefix(" ")
    try:
        item = json.loads(value)
    except ValueError:
        return value.strip()
    if not isinstance(item, dict):
        raise WireError(line[:80])
    return item
