"""Profiles, login and logout, as a family member uses them."""

from __future__ import annotations

import sqlite3

import pytest

from aidioma_desktop.domain.errors import AppError
from aidioma_desktop.services.session import LoginError, SessionService
from aidioma_protocol.checks import EventError
from aidioma_protocol.ids import uuid7


def test_each_profile_is_its_own_database_file(service: SessionService, paths):
    service.create_profile("Ana", level="beginner")
    service.create_profile("Luis", level="advanced", target_language="en", primary_language="es")
    names = [(p.display_name, p.level, p.target_language) for p in service.profiles()]
    assert names == [("Ana", "beginner", "es"), ("Luis", "advanced", "en")]
    assert len(list(paths.profiles.glob("*.aidioma"))) == 2


def test_names_are_unique_and_fields_validated(service: SessionService):
    service.create_profile("Ana")
    with pytest.raises(LoginError, match="already exists"):
        service.create_profile("ana")
    with pytest.raises(LoginError, match="at most 60 characters; this one has 300"):
        service.create_profile("x" * 300)  # said in words, not as the payload's rule
    with pytest.raises(LoginError, match="Type a name"):
        service.create_profile("   ")
    with pytest.raises(AppError, match="must differ"):
        service.create_profile("Eva", primary_language="es", target_language="es")


def test_a_password_protects_a_profile_and_is_stored_only_as_an_argon2_hash(service, paths):
    service.create_profile("Marta", password="correct horse")
    with pytest.raises(LoginError, match="needs its password"):
        service.login("Marta")
    with pytest.raises(LoginError, match="not right"):
        service.login("Marta", "wrong")
    learner = service.login("Marta", "correct horse")
    service.logout(learner)
    raw = next(paths.profiles.glob("*.aidioma")).read_bytes()
    assert b"correct horse" not in raw
    assert b"$argon2id$" in raw


def test_an_unknown_profile_is_a_clear_error(service: SessionService):
    with pytest.raises(LoginError, match="no profile called 'Nobody'"):
        service.login("Nobody")


def test_logout_deletes_the_session_context(service: SessionService, paths):
    service.create_profile("Ana")
    learner = service.login("Ana")
    learner.db.add_turn(learner.session_id, "talk", "user", "MARKER-tutor-turn-7781", 1)
    assert learner.db.turns("talk")
    service.logout(learner)
    again = service.login("Ana")
    assert again.db.turns("talk") == []
    service.logout(again)
    for f in paths.data.rglob("*"):
        if f.is_file():
            assert b"MARKER-tutor-turn-7781" not in f.read_bytes(), f


def test_a_session_that_never_logged_out_is_wiped_at_the_next_start(service: SessionService):
    service.create_profile("Ana")
    crashed = service.login("Ana")
    crashed.db.add_turn(crashed.session_id, "talk", "assistant", "left behind", 1)
    crashed.close()  # the app died: no logout
    after = service.login("Ana")
    assert after.db.turns("talk") == []
    service.logout(after)


def test_settings_changes_are_events_and_survive_reopening(service: SessionService):
    service.create_profile("Ana")
    learner = service.login("Ana")
    created = learner.db.events()
    # The profile's creation choices: marked initial, so version 2 (see payload_version).
    assert {(e.kind, e.v, e.payload.get("initial")) for e in created} == {
        ("setting.changed", 2, True)
    }
    learner.change_setting("daily_goal", 25)
    learner.change_setting("daily_goal", 25)  # no change, no event
    count = learner.db.event_count()
    service.logout(learner)
    again = service.login("Ana")
    assert again.settings()["daily_goal"] == 25
    assert again.db.event_count() == count
    service.logout(again)


def test_two_profiles_with_one_name_are_told_apart_by_id_never_guessed(service: SessionService):
    service.create_profile("Ana")
    luis = service.create_profile("Luis")
    learner = service.login("Luis")
    learner.change_setting("display_name", "Ana")  # as a name synced from another laptop
    service.logout(learner)
    with pytest.raises(LoginError, match=f"2 profiles are called 'ana'.*{luis.id}"):
        service.find("ana")
    assert service.find(luis.id).display_name == "Ana"


def test_a_profile_holding_a_clock_in_other_digits_still_opens(service: SessionService):
    """Older versions took '١٧٠...' (Arabic-Indic digits) for a clock, from any device of the
    family: such an event sorts after every real clock and must not lock the profile."""
    service.create_profile("Ana")
    learner = service.login("Ana")
    learner.change_setting("daily_goal", 25)
    mine = learner.db.last_hlc()
    service.logout(learner)
    path = service.find("Ana").path
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO events VALUES (?, 'reading.logged', ?, 'odd', 1, 0, 1, ?, NULL)",
            (uuid7(), "١" * 15 + ".000000.odd", '{"title":"x","words":1,"duration_ms":1}'),
        )
    raw.close()
    again = service.login("Ana")
    assert again.db.last_hlc() == mine
    again.change_setting("daily_goal", 30)
    assert again.settings()["daily_goal"] == 30
    service.logout(again)


def test_a_profile_opens_in_one_place_at_a_time(service: SessionService):
    from aidioma_desktop.store.locks import ProfileInUse

    service.create_profile("Ana")
    first = service.login("Ana")
    first.db.add_turn(first.session_id, "talk", "user", "still talking", 1)
    with pytest.raises(ProfileInUse, match="already open"):
        service.login("Ana")
    assert first.db.turns("talk")  # the open session was not wiped
    service.logout(first)
    service.logout(service.login("Ana"))  # released at logout


def test_settings_changed_together_are_stored_all_or_none(learner):
    events = learner.db.event_count()
    with pytest.raises(EventError, match="email"):
        learner.change_settings({"daily_goal": 7, "email": "a" * 300})
    assert learner.db.event_count() == events and learner.settings()["daily_goal"] != 7
    learner.change_settings({"daily_goal": 7, "email": "ana@example.org", "level": "beginner"})
    assert learner.db.event_count() == events + 2  # the level was already beginner
    assert learner.settings()["daily_goal"] == 7
