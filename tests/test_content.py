"""The shipped content library: schema, size, variety, no duplicates, usable by every page."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from aidioma_desktop.domain.content import ContentError, Scenario, parse_scenarios
from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.store.paths import resources_dir
from aidioma_protocol.payloads import LEVELS


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
        assert set(sc.persona["opening_line"]) == set(LEVELS)
        assert set(sc.difficulty_levels) <= set(LEVELS)
        assert sc.persona["name"] and sc.persona["role"]


# ---- scenarios in both directions (issue 17) -------------------------------------------------

# A crude language check for short answers: a Spanish answer has a Spanish-only letter or a
# common Spanish word and no English-only word; an English one the other way round.
_SPANISH_LETTERS = set("áéíóúñü¿¡")
_SPANISH_WORDS = {
    "de", "del", "el", "la", "los", "las", "un", "una", "que", "qué", "por", "para", "con",
    "y", "es", "en", "mi", "se", "lo", "al", "muy", "pero", "tengo", "gracias", "nada",
    "sí", "está", "usted", "hola", "buenos", "buenas", "tarjeta", "ventanilla", "vamos",
    "yo", "tu", "su", "le", "te", "eso", "esta", "este", "todo", "algo", "bien", "pues",
    "veces", "ninguno", "hay", "vale", "también", "más",
}  # fmt: skip
_ENGLISH_WORDS = {
    "the", "and", "you", "your", "is", "are", "i", "i'm", "i've", "i'd", "i'll", "it", "it's",
    "to", "of", "with", "please", "my", "what", "what's", "do", "does", "can", "could",
    "have", "for", "that", "that's", "thanks", "thank", "yes", "how", "in", "on", "at",
    "there", "so", "would", "much", "since", "nothing", "sure", "okay", "great", "not",
    "which", "why", "shall", "we", "he", "they", "be", "will", "card", "window", "return",
    "here", "same", "where", "from", "this", "these", "about", "hi", "hello", "good",
    "if", "ask", "say", "suggest", "there's", "day", "right", "o'clock",
}  # fmt: skip


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w']+", text.casefold()))


def _is_spanish(text: str) -> bool:
    words = _words(text)
    spanish = bool(_SPANISH_LETTERS & set(text.casefold()) or _SPANISH_WORDS & words)
    return spanish and not (_ENGLISH_WORDS - {"he"}) & words


def _is_english(text: str) -> bool:
    words = _words(text)
    return bool(_ENGLISH_WORDS & words) and not (
        _SPANISH_LETTERS & set(text.casefold()) or _SPANISH_WORDS & words
    )


def _in_language(text: str, language: str) -> bool:
    return _is_spanish(text) if language == "es" else _is_english(text)


def test_the_language_check_tells_spanish_from_english():
    assert _is_spanish("Con tarjeta, por favor.") and not _is_english("Con tarjeta, por favor.")
    assert _is_english("Card, please.") and not _is_spanish("Card, please.")
    assert not _is_spanish("Un coffee, please.") and not _is_english("Un coffee, please.")


def test_both_scenario_sets_load_with_the_same_14_ids(library: ContentLibrary):
    spanish, english = library.scenarios_for("es"), library.scenarios_for("en")
    assert spanish is library.scenarios  # what callers from before issue 17 read
    assert len(spanish) == len(english) == 14
    assert list(spanish) == list(english)
    assert {s.language for s in spanish.values()} == {"es"}
    assert {s.language for s in english.values()} == {"en"}
    for sid, sc in english.items():
        assert sc.category == spanish[sid].category, sid
    with pytest.raises(ValueError):
        library.scenarios_for("fr")


def _all_scenarios(library: ContentLibrary) -> list[Scenario]:
    return [*library.scenarios_for("es").values(), *library.scenarios_for("en").values()]


def test_every_scenario_opens_at_every_level_in_the_language_learned(library: ContentLibrary):
    for sc in _all_scenarios(library):
        lines = sc.persona["opening_line"]
        assert set(lines) == set(LEVELS), sc.id
        assert len({lines[level] for level in LEVELS}) == 3, sc.id  # three different lines
        for level in LEVELS:
            assert sc.opening_line(level) == lines[level]
            assert lines[level].strip(), (sc.language, sc.id, level)
        assert sc.persona["name"] and sc.persona["role"] and sc.persona["personality"]


def test_goals_and_useful_phrases_are_in_both_languages(library: ContentLibrary):
    for sc in _all_scenarios(library):
        where = (sc.language, sc.id)
        assert 3 <= len(sc.goals) <= 5, where
        assert all(set(goal) == {"en", "es"} and goal["en"] and goal["es"] for goal in sc.goals)
        assert all(goal["en"] != goal["es"] for goal in sc.goals), where
        assert len(sc.useful_phrases) >= 3, where
        for phrase in sc.useful_phrases:
            assert phrase["es"].strip() and phrase["en"].strip(), where
            assert phrase["es"] != phrase["en"], where


def test_every_scenario_has_a_guided_dialogue_that_meets_its_goals(library: ContentLibrary):
    for sc in _all_scenarios(library):
        where = (sc.language, sc.id)
        assert 5 <= len(sc.guided) <= 7, where
        met = set()
        for n, step in enumerate(sc.guided, 1):
            at = (*where, n)
            assert step.persona.strip(), at
            assert set(step.task) == {"en", "es"} and step.task["en"] != step.task["es"], at
            assert _is_english(step.task["en"]) and _is_spanish(step.task["es"]), at
            assert 1 <= len(step.accept) <= 3 and len(set(step.accept)) == len(step.accept), at
            for answer in step.accept:
                assert _in_language(answer, sc.language), (*at, answer)
                assert "’" not in answer, (*at, answer)  # the apostrophe a keyboard types
            assert step.goal is None or 0 <= step.goal < len(sc.goals), at
            met.add(step.goal)
        assert set(range(len(sc.goals))) <= met, where


def test_the_persona_speaks_the_language_learned(library: ContentLibrary):
    other_words = {"es": _ENGLISH_WORDS - {"he"}, "en": _SPANISH_WORDS}
    for sc in _all_scenarios(library):
        lines = [*sc.persona["opening_line"].values(), *(step.persona for step in sc.guided)]
        for line in lines:
            assert not other_words[sc.language] & _words(line), (sc.language, sc.id, line)
        assert sum(_in_language(line, sc.language) for line in lines) >= len(lines) - 2, sc.id


def test_spanish_lines_open_their_questions_and_exclamations(library: ContentLibrary):
    def texts(sc: Scenario) -> list[str]:
        found = [goal["es"] for goal in sc.goals] + [step.task["es"] for step in sc.guided]
        if sc.language == "es":
            found += list(sc.persona["opening_line"].values())
            found += [step.persona for step in sc.guided]
            found += [answer for step in sc.guided for answer in step.accept]
        return found

    for sc in _all_scenarios(library):
        for text in texts(sc):
            for sentence in re.split(r"(?<=[.?!])\s+", text):
                if sentence.endswith("?"):
                    assert "¿" in sentence, (sc.id, text)
                if sentence.endswith("!"):
                    assert "¡" in sentence, (sc.id, text)


def _scenario_data() -> dict[str, Any]:
    path = resources_dir() / "content" / "scenarios.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda sc: sc["goals"].__setitem__(0, "Greet the waiter"), r"'cafe_order'\.goals\[1\]"),
        (lambda sc: sc["goals"][1].pop("es"), r"'cafe_order'\.goals\[2\]: needs 'en' and 'es'"),
        (
            lambda sc: sc["persona"]["opening_line"].pop("advanced"),
            r"'cafe_order'\.persona\.opening_line: needs one line for each of",
        ),
        (lambda sc: sc.pop("guided"), r"'cafe_order'\.guided: must be a list of 5 to 7 steps"),
        (lambda sc: sc["guided"][2].__setitem__("goal", 9), r"'cafe_order'\.guided\[3\]\.goal"),
        (lambda sc: sc["guided"][2].pop("goal"), r"'cafe_order'\.guided\[3\]: missing 'goal'"),
        (
            lambda sc: sc["guided"][0].__setitem__("accept", []),
            r"'cafe_order'\.guided\[1\]\.accept",
        ),
        (lambda sc: sc["guided"][1]["task"].pop("en"), r"'cafe_order'\.guided\[2\]\.task"),
        (
            lambda sc: [step.__setitem__("goal", None) for step in sc["guided"]],
            r"'cafe_order'\.guided: no step meets goal 0, 1, 2, 3",
        ),
        (lambda sc: sc["useful_phrases"][0].pop("en"), r"'cafe_order'\.useful_phrases\[1\]"),
        (lambda sc: sc.__setitem__("language", "en"), r"'cafe_order'\.language: must be es"),
    ],
)
def test_a_malformed_scenario_names_the_file_scenario_and_field(damage, message):
    data = copy.deepcopy(_scenario_data())
    damage(data["scenarios"][0])
    with pytest.raises(ContentError, match=r"^scenarios\.json scenario 1 " + message):
        parse_scenarios(data, "scenarios.json", "es")


def test_a_scenario_id_used_twice_is_refused():
    data = _scenario_data()
    data["scenarios"].append(data["scenarios"][0])
    with pytest.raises(ContentError, match=r"'cafe_order': id 'cafe_order' is used twice"):
        parse_scenarios(data, "scenarios.json", "es")


def test_a_malformed_scenario_file_is_skipped_and_the_other_still_loads(tmp_path: Path):
    root = tmp_path / "resources"
    shutil.copytree(resources_dir(), root)
    english = root / "content" / "scenarios_en.json"
    data = json.loads(english.read_text(encoding="utf-8"))
    del data["scenarios"][4]["goals"][2]["es"]
    english.write_text(json.dumps(data), encoding="utf-8")
    library = ContentLibrary.load(root)
    assert library.problems == [
        "Skipped scenarios_en.json: scenarios_en.json scenario 5 'job_interview'.goals[3]: "
        "needs 'en' and 'es' text"
    ]
    assert library.scenarios_for("en") == {}
    assert len(library.scenarios) == 14  # the learners of Spanish keep theirs
    (root / "content" / "scenarios.json").unlink()
    library = ContentLibrary.load(root)
    assert any(p.startswith("Skipped scenarios.json:") for p in library.problems)
    assert library.scenarios == {} and library.scenarios_for("es") == {}


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
