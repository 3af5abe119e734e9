"""Word frequencies of Spanish and English (resources/words/, built from wordfreq by make).

Loaded once, on first use, off the UI thread (the first graded answer or looked-up word). A
missing file is no failure: the grader then judges without knowing which words are real.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..store.paths import resources_dir

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _table(lang: str, root: Path | None = None) -> dict[str, float]:
    path = (root or resources_dir()) / "words" / f"{lang}.tsv"
    table: dict[str, float] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                word, _, zipf = line.rstrip("\n").partition("\t")
                try:
                    table[word] = float(zipf)
                except ValueError:
                    continue  # a damaged line; the rest still serves
    except OSError as exc:
        log.warning("No word data for %s (%s): grading without it", lang, type(exc).__name__)
    return table


def table(lang: str) -> dict[str, float]:
    """Every word of `lang` in the data with its zipf (empty without the data)."""
    return _table(lang)


def zipf(word: str, lang: str) -> float:
    """How common `word` (lower case) is in `lang`: 0 for a word not in the data."""
    return _table(lang).get(word, 0.0)


# A text's level by the share of its words that are uncommon (rarer than about 3 in a million
# words: zipf < 3.5). Words written with a capital are left out: names are no harder to read.
_RARE_ZIPF = 3.5
_LEVELS = ((0.06, "beginner"), (0.14, "intermediate"))


def text_level(tokens: Iterable[str], lang: str) -> str:
    """beginner, intermediate or advanced, for a text in `lang` ("es" / "en"); "" with no
    word data or no words to judge by."""
    table = _table(lang)
    if not table:
        return ""
    counted = rare = 0
    for token in tokens:
        if not token[:1].islower():
            continue
        counted += 1
        rare += table.get(token, 0.0) < _RARE_ZIPF
    if not counted:
        return ""
    share = rare / counted
    return next((level for limit, level in _LEVELS if share < limit), "advanced")
