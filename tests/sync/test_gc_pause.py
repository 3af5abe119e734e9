"""A sync pauses the cycle collector; it must always come back, however pauses overlap."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from aidioma_protocol.gc_pause import gc_paused


def test_overlapping_pauses_end_with_the_collector_running_again():
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def other_thread() -> None:
        with gc_paused():
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=other_thread)
    with gc_paused():
        worker.start()
        inside.wait(10)
        with gc_paused():
            assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's pause still runs
    release.set()
    worker.join()
    assert gc.isenabled()


def test_an_error_inside_a_pause_still_ends_it():
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("a failed page")
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_pauses_that_keep_overlapping_still_let_the_collector_run(monkeypatch):
    """A busy server may always have a large push in progress: cycles must still be freed."""
    from aidioma_protocol import gc_pause

    now = [1000.0]
    monkeypatch.setattr(gc_pause, "_now", lambda: now[0])

    class Node:
        pass

    with gc_paused():
        with gc_paused():
            cycle = Node()
            cycle.me = cycle
            alive = weakref.ref(cycle)
            del cycle
        assert alive() is not None  # paused: nothing collected yet
        with gc_paused():
            now[0] += 2 * gc_pause.MAX_PAUSE_S
        assert alive() is None  # later the collector ran, the pause still on
        assert not gc.isenabled()
    assert gc.isenabled()
