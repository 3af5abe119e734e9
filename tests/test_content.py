"""The shipped content library: schema, size, variety, no duplicates, usable by every page."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.store.paths import resources_dir


def test_the_library_loads_without_problems(library: ContentLibrary):
    assert library.problems == []


def test_at_least_400_sentences_in_12_categories_and_every_level(library: ContentLibrary):
    assert len(library.sentences) >= 400
    per_category = Counter(s.category for s in library.sentences.values())
    assert len(per_category) >= 12
    for category in (
        "daily_life",
        "travel",
        "food",
        "work",
        "family",
        "health",
        "shopping",
        "weather",
        "school",
        "feelings",
        "time",
        "directions",
    ):
        assert per_category[category] >= 20, category
    levels = Counter(s.level for s in library.sentences.values())
    assert all(levels[level] >= 80 for level in ("beginner", "intermediate", "advanced"))


def test_every_sentence_has_translations_hints_and_grammar_both_ways(library: ContentLibrary):
    for s in library.sentences.values():
        for lang in ("es", "en"):
            assert 1 <= len(s.accept[lang]) <= 3 and len(set(s.accept[lang])) == len(s.accept[lang])
        for direction in ("es-en", "en-es"):
            assert 2 <= len(s.hints[direction]) <= 3, s.id
            # A hint helps; it never hands over the whole answer.
            assert all(
                h.strip(" .").lower() != s.references(direction)[0].strip(" .").lower()
                for h in s.hints[direction]
            ), s.id
        assert 1 <= len(s.grammar) <= 3


def test_no_duplicate_sentences(library: ContentLibrary):
    for lang in ("es", "en"):
        texts = Counter(getattr(s, lang).casefold() for s in library.sentences.values())
        assert [t for t, n in texts.items() if n > 1] == []


def test_spanish_questions_and_exclamations_are_opened(library: ContentLibrary):
    for s in library.sentences.values():
        for text in s.accept["es"]:
            if text.endswith("?"):
                assert "¿" in text, s.id
            if text.endswith("!"):
                assert "¡" in text, s.id


def test_ids_follow_the_category(library: ContentLibrary):
    for sid, s in library.sentences.items():
        assert re.fullmatch(rf"{s.category}\.\d{{3}}", sid)


def test_at_least_12_scenarios_with_goals_and_a_persona(library: ContentLibrary):
    assert len(library.scenarios) >= 12
    for sc in library.scenarios.values():
        assert sc.name["en"] and sc.name["es"] and sc.description["es"]
        assert sc.category in {s.category for s in library.sentences.values()}
        assert set(sc.persona["opening_line"]) == set(sc.difficulty_levels)
        assert sc.persona["name"] and sc.persona["role"]


def test_a_malformed_content_file_is_skipped_with_a_clear_message(tmp_path: Path):
    root = tmp_path / "resources"
    shutil.copytree(resources_dir(), root)
    food = root / "content" / "sentences" / "food.json"
    data = json.loads(food.read_text(encoding="utf-8"))
    del data["sentences"][3]["hints"]["en-es"]
    food.write_text(json.dumps(data), encoding="utf-8")
    (root / "content" / "sentences" / "zz_broken.json").write_text("{not json", encoding="utf-8")
    library = ContentLibrary.load(root)
    assert any("food.json" in p and "hints.en-es" in p for p in library.problems)
    assert any("zz_broken.json" in p and "not valid JSON" in p for p in library.problems)
    assert "travel.001" in library.sentences  # the rest still loads
    assert not any(s.category == "food" for s in library.sentences.values())
