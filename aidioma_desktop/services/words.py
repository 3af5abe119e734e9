"""Word frequencies of Spanish and English (resources/words/, built from wordfreq by make).

Loaded once, on first use, off the UI thread (the first graded answer or looked-up word). A
missing file is no failure: the grader then judges without knowing which words are real.
"""

from __future__ import annotations

import logging
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


def zipf(word: str, lang: str) -> float:
    """How common `word` (lower case) is in `lang`: 0 for a word not in the data."""
    return _table(lang).get(word, 0.0)
