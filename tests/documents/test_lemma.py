"""Lemmas and ranks of Spanish and English words for the reading aid, measured on a labelled
set (tests/data/lemmas/: 1,081 Spanish and 589 English forms) and never a made-up word."""

from __future__ import annotations

import pytest

from aidioma_desktop.documents.lemma import band
from aidioma_desktop.services.library import frequency
from benchmarks.reading import accuracy, labelled

# Every form the issue names, and what a learner would look up.
NAMED = {
    "quepo": "caber", "cupieron": "caber", "anduvo": "andar", "traduje": "traducir",
    "huelo": "oler", "quisiera": "querer", "dámelo": "dar", "diciéndomelo": "decir",
    "levantarse": "levantar", "vistiéndose": "vestir", "gatita": "gato", "perrito": "perro",
    "cafecito": "café", "condujimos": "conducir", "pongámonos": "poner", "he": "haber",
    "hubiera": "haber",
}  # fmt: skip


@pytest.mark.parametrize("lang", ["es", "en"])
def test_lemmas_are_right_on_the_labelled_set(lang: str) -> None:
    assert accuracy(lang) >= 0.95


@pytest.mark.parametrize(("form", "lemma"), sorted(NAMED.items()))
def test_the_forms_the_issue_names(form: str, lemma: str) -> None:
    assert frequency("es").lemmatiser.lemma(form).lemma == lemma


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_lemma_is_always_a_word(lang: str) -> None:
    lemmatiser = frequency(lang).lemmatiser
    for item in labelled(lang):
        form = str(item["form"])
        got = lemmatiser.lemma(form)
        known = lemmatiser.zipf(got.lemma) > 0 or got.how == "irregular"  # in a word list
        assert got.lemma == form or known, (form, got)
    unknown = frequency(lang).lemmatiser.lemma("zorpitos")
    assert (unknown.lemma, unknown.how) == ("zorpitos", "as is")  # never a guess that is no word


def test_english_lemmas_serve_a_spanish_speaker_reading_english() -> None:
    lemmatiser = frequency("en").lemmatiser
    assert [lemmatiser.lemma(w).lemma for w in ("went", "children", "studies", "stopped")] == [
        "go",
        "child",
        "study",
        "stop",
    ]


def test_ranks_and_bands_come_from_word_frequencies() -> None:
    freq = frequency("es")
    assert freq.rank("de") == 1
    assert freq.rank("casas") == freq.rank("casa")
    assert freq.rank("he") == freq.rank("haber") < 500  # haber, once missing, is common
    assert freq.rank("zorpito") is None
    assert band(freq.rank("que"), freq.size) == "top100"
    assert band(None, freq.size) == "rare"
    easy = freq.difficulty(["el", "niño", "come"])
    hard = freq.difficulty(["la", "epistemología", "hermenéutica", "posestructuralista"])
    assert 0 <= easy < hard <= 1
    assert frequency("en").rank("the") == 1
