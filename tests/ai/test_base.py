"""The pieces the providers share: Retry-After, waiting with a Stop, JSON answers, names, and
keeping keys out of messages."""

from __future__ import annotations

import random
from email.utils import formatdate

import pytest

from aidioma_desktop.ai.base import (
    RetryPolicy,
    Secret,
    parse_object,
    retry_after,
    safe_name,
    scrub,
    wait,
)

NOW = 1_795_341_600.0


def test_retry_after_in_seconds_milliseconds_or_as_a_date():
    assert retry_after({"retry-after": "3"}) == 3
    assert retry_after({"retry-after": "0.5"}) == 0.5
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": formatdate(NOW + 30, usegmt=True)}, now=NOW) == 30
    assert retry_after({"retry-after": formatdate(NOW - 30, usegmt=True)}, now=NOW) == 0
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None


def test_a_wait_is_made_in_steps_and_ends_at_a_stop():
    sleeps: list[float] = []
    assert wait(0.25, lambda: False, sleeps.append, 0.1)
    assert sleeps == pytest.approx([0.1, 0.1, 0.05])
    sleeps.clear()
    assert not wait(5, lambda: len(sleeps) >= 2, sleeps.append, 0.1)
    assert sleeps == [0.1, 0.1]


def test_backoff_doubles_with_jitter():
    policy = RetryPolicy(base_s=1.0, rng=random.Random(3))
    for failures, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0)):
        assert ceiling / 2 <= policy.backoff(failures) <= ceiling


def test_a_json_object_is_read_even_in_a_fence():
    assert parse_object('{"verdict": "correct"}') == {"verdict": "correct"}
    assert parse_object(' ```json\n{"verdict": "wrong"}\n``` ') == {"verdict": "wrong"}
    for not_an_object in ('["correct"]', '"correct"', "Correcto.", '{"verdict": ', ""):
        assert parse_object(not_an_object) is None


def test_names_are_made_acceptable_to_every_provider():
    assert safe_name("grading answer!") == "grading_answer_"
    assert safe_name("") == "answer"
    assert len(safe_name("x" * 100)) == 64


def test_keys_are_scrubbed_from_a_providers_words():
    key = "sk-proj-abcdef0123456789"
    assert key not in scrub(f"Incorrect API key provided: {key}.", key)
    assert "sk-ab" not in scrub("Incorrect API key provided: sk-ab****yz12.", None)
    assert scrub("model: tutor-huge", key) == "model: tutor-huge"


def test_a_secret_does_not_show_itself():
    secret = Secret("sk-proj-abcdef0123456789")
    assert "abcdef" not in repr(secret) and "abcdef" not in str(secret)
    assert secret.reveal() == "sk-proj-abcdef0123456789"
