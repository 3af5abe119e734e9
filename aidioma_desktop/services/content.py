"""The shipped content library: sentence pairs by category and level, and tutor scenarios."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.content import (
    Category,
    ContentError,
    Scenario,
    Sentence,
    parse_category_file,
    parse_scenarios,
)
from ..store.paths import resources_dir
from ..store.rows import ContentItem

# The scenario files, by the language learned: Spanish for English speakers, English for
# Spanish speakers (the same scenario ids in both).
SCENARIO_FILES = {"es": "scenarios.json", "en": "scenarios_en.json"}


@dataclass
class ContentLibrary:
    categories: dict[str, Category] = field(default_factory=dict)
    sentences: dict[str, Sentence] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)  # for learners of Spanish
    scenario_sets: dict[str, dict[str, Scenario]] = field(default_factory=dict)  # by language
    problems: list[str] = field(default_factory=list)  # files skipped, with the reason
    digest: str = ""

    @classmethod
    def load(cls, root: Path | None = None) -> ContentLibrary:
        """Load every content file; a malformed file is skipped and named in `problems`."""
        root = root or resources_dir()
        library = cls()
        hasher = hashlib.sha256()
        sentence_dir = root / "content" / "sentences"
        files = sorted(sentence_dir.glob("*.json")) if sentence_dir.is_dir() else []
        if not files:
            library.problems.append(f"No sentence files were found in {sentence_dir}.")
        for path in files:
            try:
                raw = path.read_bytes()
                category, sentences = parse_category_file(_json(raw, path), path.name)
                duplicate = next((s.id for s in sentences if s.id in library.sentences), None)
                if duplicate:
                    raise ContentError(f"{path.name}: sentence id '{duplicate}' is used twice")
            except (ContentError, OSError) as exc:
                library.problems.append(f"Skipped {path.name}: {exc}")
                continue
            hasher.update(raw)
            library.categories[category.id] = category
            library.sentences.update((s.id, s) for s in sentences)
        for language, name in SCENARIO_FILES.items():
            scenario_file = root / "content" / name
            try:
                raw = scenario_file.read_bytes()
                parsed = parse_scenarios(_json(raw, scenario_file), name, language)
            except (ContentError, OSError) as exc:
                library.problems.append(f"Skipped {name}: {exc}")
                parsed = []
            library.scenario_sets[language] = {s.id: s for s in parsed}
        library.scenarios = library.scenario_sets["es"]
        library.digest = hasher.hexdigest()
        return library

    def scenarios_for(self, language: str) -> dict[str, Scenario]:
        """The scenarios for learners of `language` ("es" or "en"), by id."""
        if language not in SCENARIO_FILES:
            raise ValueError(f"no scenarios for learners of {language!r}")
        if language == "es":
            return self.scenarios  # the set callers from before issue 17 read
        return self.scenario_sets.get(language, {})

    def store_items(self) -> list[dict[str, Any]]:
        """The sentences as rows for the profile database's content table."""
        return [
            {
                "id": s.id,
                "level": s.level,
                "category": s.category,
                "es": s.es,
                "en": s.en,
                "data": {
                    "accept": {k: list(v) for k, v in s.accept.items()},
                    "hints": {k: list(v) for k, v in s.hints.items()},
                    "grammar": list(s.grammar),
                },
            }
            for s in self.sentences.values()
        ]


def sentence_from_item(item: ContentItem) -> Sentence:
    """A practice sentence from a content row (shipped sentences carry hints; added cards not)."""
    data = item.data
    accept = data.get("accept") or {"es": [item.es], "en": [item.en]}
    return Sentence(
        id=item.id,
        level=item.level,
        category=item.category,
        es=item.es,
        en=item.en,
        accept={k: tuple(v) for k, v in accept.items()},
        hints={k: tuple(v) for k, v in (data.get("hints") or {}).items()},
        grammar=tuple(data.get("grammar") or ()),
    )


def _json(raw: bytes, path: Path) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path.name} is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise ContentError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg})") from exc
