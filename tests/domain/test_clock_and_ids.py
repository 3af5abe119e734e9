import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidioma_protocol.checks import EventError
from aidioma_protocol.events import Event
from aidioma_protocol.hlc import HLC_PATTERN, Hlc, zero
from aidioma_protocol.ids import is_uuid, uuid7


def test_uuid7_is_a_version_7_uuid_that_sorts_by_time():
    first, second = uuid7(1_000), uuid7(2_000)
    assert is_uuid(first) and first[14] == "7"
    assert first < second


def test_local_events_tick_forward_even_when_the_wall_clock_goes_back():
    clock = zero("dev-a").tick(5_000)
    later = clock.tick(4_000)  # the user moved the system clock back
    assert later > clock
    assert later.render() > clock.render()


def test_receiving_a_remote_clock_moves_past_it():
    local = Hlc(1_000, 0, "dev-a")
    remote = Hlc(9_000, 3, "dev-b")
    after = local.receive(remote, now_ms=2_000).tick(2_000)
    assert after.render() > remote.render()


@given(
    st.lists(
        st.tuples(st.integers(0, 10**13), st.integers(0, 999), st.sampled_from("abc")), min_size=2
    )
)
def test_rendered_clock_strings_sort_like_the_clocks(values):
    clocks = [Hlc(w, c, f"dev-{d}") for w, c, d in values]
    assert sorted(clocks) == sorted(clocks, key=lambda h: h.render())
    assert all(Hlc.parse(h.render()) == h for h in clocks)


@pytest.mark.parametrize(
    "text",
    [
        "١٧٠٠٠٠٠٠٠٠٠٠٠٠٠.000000.dev1",  # other scripts' digits sort after every clock
        "000000000000005.00000٣.dev1",
        " 00000000000005.000000.dev1",
        "00000000000000+5.000000.dev1",
    ],
)
def test_a_clock_written_with_anything_but_ascii_digits_is_refused(text):
    with pytest.raises(ValueError):
        Hlc.parse(text)
    assert re.fullmatch(HLC_PATTERN, text) is None
    event = Event(uuid7(), "review.graded", text, "dev1", 5, 0, {}).to_dict()
    with pytest.raises(EventError, match="hlc"):
        Event.from_dict(event)
