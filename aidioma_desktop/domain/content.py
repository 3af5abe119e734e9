"""Learning content: sentence pairs (seeds: sentences) and conversation scenarios.

Parsing is strict and names the file, item and field at fault, so a content author (or a
damaged install) gets a message that says exactly what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import AppError
from .events import DIRECTIONS, LEVELS


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
class Scenario:
    id: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    language: str
    category: str
    difficulty_levels: tuple[str, ...]
    goals: tuple[str, ...]
    persona: Mapping[str, Any]
    useful_phrases: tuple[Mapping[str, str], ...]


def target_language(direction: str) -> str:
    return direction.split("-")[1]


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


def parse_scenarios(data: Any, origin: str) -> list[Scenario]:
    items = _need(data, "scenarios", origin, list)
    scenarios = []
    for i, item in enumerate(items):
        where = f"{origin} scenario {i + 1}"
        sid = _need(item, "id", where, str)
        where = f"{where} '{sid}'"
        levels = _texts(item.get("difficulty_levels"), f"{where}.difficulty_levels", 1, 3)
        if any(level not in LEVELS for level in levels):
            raise ContentError(f"{where}.difficulty_levels: use {', '.join(LEVELS)}")
        persona = _need(item, "persona", where, dict)
        opening = _need(persona, "opening_line", f"{where}.persona", dict)
        if set(opening) != set(levels):
            raise ContentError(f"{where}.persona.opening_line: needs one line per difficulty level")
        phrases = _need(item, "useful_phrases", where, list)
        scenarios.append(
            Scenario(
                id=sid,
                name=_need(item, "name", where, dict),
                description=_need(item, "description", where, dict),
                language=_need(item, "language", where, str),
                category=_need(item, "category", where, str),
                difficulty_levels=levels,
                goals=_texts(item.get("goals"), f"{where}.goals", 3, 5),
                persona=persona,
                useful_phrases=tuple(phrases),
            )
        )
    return scenarios
