"""Pausing Python's cycle collector while a sync turns thousands of JSON objects into events.

The collector runs after every few hundred new objects and now and then walks every live one:
over a first sync's hundred thousand events it walked the heap again and again, a quarter of the
sync's time. What a sync makes holds no reference cycles (JSON values, events, rows): it is freed
as it goes without the collector, which runs again (and catches up) when the last pause ends.
Pauses nest and may overlap across threads; when they keep overlapping (a busy server), the
collector still runs every few seconds.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

MAX_PAUSE_S = 5.0  # a busy server frees its cycles at least this often
_lock = threading.Lock()
_depth = 0
_was_enabled = False
_since = 0.0  # when the collector last ran or the pause began
_now = time.monotonic


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled, _since
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            _since = _now()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        overdue = False
        with _lock:
            _depth -= 1
            if _depth == 0:
                if _was_enabled:
                    gc.enable()
            elif _was_enabled and _now() - _since > MAX_PAUSE_S:
                overdue, _since = True, _now()
        if overdue:  # outside the lock: what the collector frees may pause again
            gc.collect()
