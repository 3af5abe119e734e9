"""The reading aid's word data (python -m benchmarks reading):

- lemma_accuracy_es / lemma_accuracy_en: the share of the labelled forms in tests/data/lemmas/
  (1,081 Spanish, 589 English) whose lemma is the label (or one of its equally right ones).
- frequency_coverage_es: the share of the Spanish word tokens of the shipped content
  (resources/content: sentences, accepted answers, scenarios) that have a rank.
- word_data_load_s: the first lookup of a session: the word list and simplemma's Spanish data
  loaded (once, on the worker, when a word is first clicked).
- lookup_p95_ms: looking up a word as the Reading view does (its lemma and rank), each word for
  the first time (nothing cached), over 1,000 distinct words of the content.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

from aidioma_desktop.documents.text import words
from aidioma_desktop.services.library import frequency
from aidioma_desktop.store.paths import resources_dir

from .core import percentile

LEMMAS = Path(__file__).resolve().parents[1] / "tests" / "data" / "lemmas"


def labelled(lang: str) -> list[dict[str, object]]:
    with (LEMMAS / f"{lang}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def accuracy(lang: str) -> float:
    lemmatiser = frequency(lang).lemmatiser
    items = labelled(lang)
    right = 0
    for item in items:
        got = lemmatiser.lemma(str(item["form"])).lemma
        right += got == item["lemma"] or got in item.get("also", [])  # type: ignore[operator]
    return right / len(items)


def spanish_tokens() -> list[str]:
    """Every Spanish word of the shipped content, as it is written there."""
    texts: list[str] = []
    content = resources_dir() / "content"
    for path in sorted((content / "sentences").glob("*.json")):
        for s in json.loads(path.read_text(encoding="utf-8"))["sentences"]:
            texts.append(s["es"])
            texts += s.get("accept", {}).get("es", [])

    def strings(value: object, spanish: bool) -> Iterator[str]:
        if isinstance(value, str) and spanish:
            yield value
        elif isinstance(value, dict):
            for key, inner in value.items():
                yield from strings(inner, spanish or key == "es")
        elif isinstance(value, list):
            for inner in value:
                yield from strings(inner, spanish)

    scenarios = json.loads((content / "scenarios.json").read_text(encoding="utf-8"))
    texts += list(strings(scenarios, False))
    return [w.casefold() for text in texts for w in words(text)]


def run() -> Iterator[tuple[str, float, str]]:
    frequency.cache_clear()
    started = time.perf_counter()
    frequency("es").lemmatiser.lemma("casas")  # the word list and simplemma's data load once
    yield "word_data_load_s", time.perf_counter() - started, "s"
    yield "lemma_accuracy_es", accuracy("es"), "share"
    yield "lemma_accuracy_en", accuracy("en"), "share"
    freq = frequency("es")
    tokens = spanish_tokens()
    ranked = sum(1 for t in tokens if freq.rank(t) is not None)
    yield "frequency_coverage_es", ranked / len(tokens), "share"
    yield "content_tokens_es", len(tokens), "tokens"
    fresh = list(dict.fromkeys(tokens))[:1000]
    freq.lemmatiser.lemma.cache_clear()
    timings = []
    for word in fresh:
        started = time.perf_counter()
        freq.lemmatiser.lemma(word)
        freq.rank(word)
        timings.append((time.perf_counter() - started) * 1000)
    yield "lookup_p95_ms", percentile(timings, 0.95), "ms"
