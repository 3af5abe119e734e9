"""Pausing Python's cycle collector while a sync turns thousands of JSON objects into events.

The collector runs after every few hundred new objects and now and then walks every live one:
over a first sync's hundred thousand events it walked the heap again and again, a quarter of the
sync's time. What a sync makes holds no reference cycles (JSON values, events, rows): it is freed
as it goes without the collector, which runs again (and catches up) when the last pause ends.
Pauses nest and may overlap across threads.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
