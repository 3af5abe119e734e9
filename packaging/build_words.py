"""Build the word data the app ships: resources/words/<lang>.tsv, from wordfreq.

One line a word, most frequent first: `word<TAB>zipf` (zipf: log10 of the word's frequency per
billion words; 6 for "de" or "the", 3 for a word seen once per million). The grader uses it to
tell a typo that makes a non-word from one that makes another real word, and whether an unknown
word in an answer is a real word (a possible synonym) or gibberish; the reading aid uses the
ranks. Run by `make` (the files are build output, not committed): `python packaging/build_words.py`.

wordfreq's code is Apache-2.0 and its data CC BY-SA 4.0 (resources/words/README.md credits it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

LANGUAGES = ("es", "en")
MIN_ZIPF = 1.5  # about once in 30 million words: 200,000 Spanish and 170,000 English words
WORD_RE = re.compile(r"[a-zà-öø-ÿ]+(?:'[a-z]+)?")
OUT = Path(__file__).resolve().parent.parent / "resources" / "words"


def build(lang: str) -> list[tuple[str, float]]:
    rows = []
    for word in top_n_list(lang, 1_000_000):  # most frequent first
        if WORD_RE.fullmatch(word):
            zipf = zipf_frequency(word, lang)
            if zipf < MIN_ZIPF:
                break
            rows.append((word, zipf))
    return rows


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        rows = build(lang)
        text = "".join(f"{word}\t{zipf:.2f}\n" for word, zipf in rows)
        target = OUT / f"{lang}.tsv"
        scratch = target.with_suffix(".tmp")
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(target)  # never a half-written file for the app to read
        print(f"{target.name}: {len(rows):,} words", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
