"""The lemmatiser's rules and the frequency list: honest, and right for common words."""

from __future__ import annotations

import pytest

from aidioma_desktop.documents.lemma import band
from aidioma_desktop.services.library import frequency


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("casas", "casa"),
        ("ciudades", "ciudad"),
        ("luces", "luz"),
        ("canciones", "canción"),
        ("bonita", "bonito"),
        ("niñas", "niño"),
        ("cantábamos", "cantar"),
        ("hablaré", "hablar"),
        ("comiendo", "comer"),
        ("vivimos", "vivir"),
        ("escribió", "escribir"),
        ("Estudian", "estudiar"),
        ("fui", "ser"),
        ("tengo", "tener"),
        ("hizo", "hacer"),
        ("las", "el"),
        ("perros", "perro"),
    ],
)
def test_lemmas(word: str, lemma: str) -> None:
    assert frequency().lemmatiser.lemma(word).lemma == lemma


def test_unknown_words_are_only_depluralised_and_say_so() -> None:
    lemmatiser = frequency().lemmatiser
    guessed = lemmatiser.lemma("zorpitos")
    assert (guessed.lemma, guessed.how) == ("zorpito", "rule")
    assert lemmatiser.lemma("xqz").how == "as is"


def test_ranks_and_bands() -> None:
    freq = frequency()
    assert freq.rank("de") == 1
    assert freq.rank("casas") == freq.rank("casa")
    assert freq.rank("zorpito") is None
    assert band(freq.rank("que"), freq.size) == "top100"
    assert band(None, freq.size) == "rare"
    easy = freq.difficulty(["el", "niño", "come"])
    hard = freq.difficulty(["la", "epistemología", "hermenéutica", "posestructuralista"])
    assert 0 <= easy < hard <= 1
