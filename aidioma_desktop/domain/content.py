"""Learning content: sentence pairs (seeds: sentences) and conversation scenarios.

Parsing is strict and names the file, item and field at fault, so a content author (or a
damaged install) gets a message that says exactly what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aidioma_protocol.payloads import DIRECTIONS, LEVELS

from .errors import AppError

Language = Literal["es", "en"]
_LANGUAGES: dict[str, Language] = {"es": "es", "en": "en"}


class ContentError(AppError, ValueError):
    """A content file that does not follow the schema."""


@dataclass(frozen=True, slots=True)
class Sentence:
    id: str
    level: str
    category: str
    es: str
    en: str
    accept: Mapping[str, tuple[str, ...]]  # by the answer's language: "es" / "en"
    hints: Mapping[str, tuple[str, ...]]  # by direction: "es-en" / "en-es"
    grammar: tuple[str, ...]

    def source(self, direction: str) -> str:
        return self.es if direction == "es-en" else self.en

    def references(self, direction: str) -> tuple[str, ...]:
        return self.accept[target_language(direction)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "category": self.category,
            "es": self.es,
            "en": self.en,
            "accept": {k: list(v) for k, v in self.accept.items()},
            "hints": {k: list(v) for k, v in self.hints.items()},
            "grammar": list(self.grammar),
        }


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    title_en: str
    title_es: str


@dataclass(frozen=True, slots=True)
class GuidedStep:
    """One turn of a scripted scenario, for practice with no AI model.

    `persona` is the persona's line in the language learned; `task` says what the learner should
    answer, in either language ("en" / "es": shown in the learner's own); `accept` holds 1 to 3
    good answers in the language learned, the most natural first; `goal` is the index into the
    scenario's goals that this answer meets, or None.
    """

    persona: str
    task: Mapping[str, str]
    accept: tuple[str, ...]
    goal: int | None


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    language: str  # the language learned: "es" (for English speakers) or "en" (Spanish speakers)
    category: str
    difficulty_levels: tuple[str, ...]  # the levels it suits best; it opens at every level
    goals: tuple[Mapping[str, str], ...]  # each {"en": ..., "es": ...}
    persona: Mapping[str, Any]  # name, role, personality, opening_line {level: line}
    useful_phrases: tuple[Mapping[str, str], ...]  # each {"es": ..., "en": ...}
    guided: tuple[GuidedStep, ...] = ()

    def opening_line(self, level: str) -> str:
        line: str = self.persona["opening_line"][level]
        return line


def target_language(direction: str) -> Language:
    """The language a translation in `direction` is written in: "es-en" gives "en"."""
    return _LANGUAGES[direction.split("-")[1]]


def _need(data: Any, key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, Mapping) or key not in data:
        raise ContentError(f"{where}: missing '{key}'")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, str | list) and not value):
        raise ContentError(f"{where}.{key}: must be a non-empty {getattr(kind, '__name__', kind)}")
    return value


def _texts(value: Any, where: str, low: int, high: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise ContentError(f"{where}: must be a list of {low} to {high} texts")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{where}: every item must be non-empty text")
    return tuple(value)


def parse_sentence(data: Any, category: str, where: str) -> Sentence:
    sid = _need(data, "id", where, str)
    where = f"{where} '{sid}'"
    level = _need(data, "level", where, str)
    if level not in LEVELS:
        raise ContentError(f"{where}.level: must be one of {', '.join(LEVELS)}")
    es, en = _need(data, "es", where, str), _need(data, "en", where, str)
    accept_raw = _need(data, "accept", where, dict)
    accept = {
        lang: _texts(accept_raw.get(lang), f"{where}.accept.{lang}", 1, 3) for lang in ["es", "en"]
    }
    if accept["es"][0] != es or accept["en"][0] != en:
        raise ContentError(
            f"{where}.accept: the first accepted translation must be the sentence itself"
        )
    hints_raw = _need(data, "hints", where, dict)
    hints = {d: _texts(hints_raw.get(d), f"{where}.hints.{d}", 2, 3) for d in DIRECTIONS}
    grammar = _texts(data.get("grammar", []), f"{where}.grammar", 1, 3)
    return Sentence(sid, level, category, es, en, accept, hints, grammar)


def parse_category_file(data: Any, origin: str) -> tuple[Category, list[Sentence]]:
    cid = _need(data, "category", origin, str)
    title = _need(data, "title", origin, dict)
    if not all(isinstance(title.get(k), str) and title[k] for k in ("en", "es")):
        raise ContentError(f"{origin}.title: needs 'en' and 'es' text")
    items = _need(data, "sentences", origin, list)
    sentences = [
        parse_sentence(item, cid, f"{origin} sentence {i + 1}") for i, item in enumerate(items)
    ]
    return Category(cid, title["en"], title["es"]), sentences


SCENARIO_LANGUAGES = ("es", "en")
_BOTH = ("en", "es")


def _bilingual(value: Any, where: str) -> dict[str, str]:
    """An {"en": ..., "es": ...} text pair."""
    if not isinstance(value, Mapping) or not all(
        isinstance(value.get(k), str) and value[k].strip() for k in _BOTH
    ):
        raise ContentError(f"{where}: needs 'en' and 'es' text")
    return {k: value[k] for k in _BOTH}


def _bilingual_list(value: Any, where: str, low: int, high: int) -> tuple[dict[str, str], ...]:
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise ContentError(f"{where}: must be a list of {low} to {high} items")
    return tuple(_bilingual(v, f"{where}[{i + 1}]") for i, v in enumerate(value))


def _persona(item: Any, where: str) -> dict[str, Any]:
    persona = _need(item, "persona", where, dict)
    where = f"{where}.persona"
    for key in ("name", "role", "personality"):
        _need(persona, key, where, str)
    opening = _need(persona, "opening_line", where, dict)
    if set(opening) != set(LEVELS):
        raise ContentError(f"{where}.opening_line: needs one line for each of {', '.join(LEVELS)}")
    for level in LEVELS:
        _need(opening, level, f"{where}.opening_line", str)
    return {**persona, "opening_line": {level: opening[level] for level in LEVELS}}


def _guided(item: Any, where: str, goals: int) -> tuple[GuidedStep, ...]:
    raw = item.get("guided") if isinstance(item, Mapping) else None
    where = f"{where}.guided"
    if not isinstance(raw, list) or not 5 <= len(raw) <= 7:
        raise ContentError(f"{where}: must be a list of 5 to 7 steps")
    steps = []
    for i, data in enumerate(raw):
        at = f"{where}[{i + 1}]"
        persona = _need(data, "persona", at, str)
        task = _bilingual(_need(data, "task", at, dict), f"{at}.task")
        accept = _texts(data.get("accept"), f"{at}.accept", 1, 3)
        if "goal" not in data:
            raise ContentError(f"{at}: missing 'goal' (a goal's index, or null)")
        goal = data["goal"]
        if goal is not None and (
            isinstance(goal, bool) or not isinstance(goal, int) or not 0 <= goal < goals
        ):
            raise ContentError(f"{at}.goal: must be null or a goal's index, 0 to {goals - 1}")
        steps.append(GuidedStep(persona, task, accept, goal))
    unmet = sorted(set(range(goals)) - {s.goal for s in steps})
    if unmet:
        raise ContentError(f"{where}: no step meets goal {', '.join(map(str, unmet))}")
    return tuple(steps)


def parse_scenarios(data: Any, origin: str, language: str | None = None) -> list[Scenario]:
    """The scenarios of one file; `language`, if given, is the language every one must teach."""
    items = _need(data, "scenarios", origin, list)
    scenarios: list[Scenario] = []
    for i, item in enumerate(items):
        where = f"{origin} scenario {i + 1}"
        sid = _need(item, "id", where, str)
        where = f"{where} '{sid}'"
        if any(s.id == sid for s in scenarios):
            raise ContentError(f"{where}: id '{sid}' is used twice")
        lang = _need(item, "language", where, str)
        if lang not in SCENARIO_LANGUAGES or (language and lang != language):
            expected = language or " or ".join(SCENARIO_LANGUAGES)
            raise ContentError(f"{where}.language: must be {expected}")
        levels = _texts(item.get("difficulty_levels"), f"{where}.difficulty_levels", 1, 3)
        if any(level not in LEVELS for level in levels):
            raise ContentError(f"{where}.difficulty_levels: use {', '.join(LEVELS)}")
        goals = _bilingual_list(item.get("goals"), f"{where}.goals", 3, 5)
        scenarios.append(
            Scenario(
                id=sid,
                name=_bilingual(_need(item, "name", where, dict), f"{where}.name"),
                description=_bilingual(
                    _need(item, "description", where, dict), f"{where}.description"
                ),
                language=lang,
                category=_need(item, "category", where, str),
                difficulty_levels=levels,
                goals=goals,
                persona=_persona(item, where),
                useful_phrases=_bilingual_list(
                    item.get("useful_phrases"), f"{where}.useful_phrases", 3, 8
                ),
                guided=_guided(item, where, len(goals)),
            )
        )
    return scenarios
