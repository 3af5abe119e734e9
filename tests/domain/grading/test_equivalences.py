"""Equivalences: the extra translations the grader builds from the accepted ones, so that an
answer combining two accepted translations, or putting a Spanish "nunca" after the verb, is
correct; and never a mixture that drops a phrase or hides an error."""

from __future__ import annotations

import pytest

from aidioma_desktop.domain.grading.equivalences import (
    _MAX_VARIANTS,
    _es_negation_variants,
    _variants,
)
from tests.domain.grading.conftest import graded, kinds

LEVANTARA = (
    "Si me levantara más temprano, no tendría que desayunar con prisa.",
    "Si me levantara antes, no tendría que desayunar deprisa.",
)


# --------------------------------------------------------------------------- _variants


def test_variants_combine_the_differing_parts_of_two_translations() -> None:
    found = _variants(LEVANTARA, "es")
    assert "Si me levantara más temprano, no tendría que desayunar deprisa." in found
    assert "Si me levantara antes, no tendría que desayunar con prisa." in found
    assert not set(found) & set(LEVANTARA)  # only new sentences


def test_variants_mix_word_by_word_substitutions() -> None:
    found = _variants(
        ("My brother and I get along very well.", "My brother and I get on really well."), "en"
    )
    assert "My brother and I get on very well." in found
    assert "My brother and I get along really well." in found


@pytest.mark.parametrize(
    ("refs", "lang", "incomplete"),
    [
        (("It is half past three.", "It is three thirty."), "en", "It is three."),
        (
            ("I don't have time to read.", "I have no time to read."),
            "en",
            "I have time to read.",
        ),
        (
            (
                "If I got up earlier, I wouldn't have to rush breakfast.",
                "If I woke up earlier, I wouldn't have to eat breakfast in a hurry.",
            ),
            "en",
            "If I got up earlier, I wouldn't have to eat breakfast.",
        ),
    ],
)
def test_variants_never_drop_a_phrase_or_a_negation(
    refs: tuple[str, ...], lang: str, incomplete: str
) -> None:
    found = _variants(refs, lang)
    assert incomplete not in found
    assert all(len(v.split()) >= min(len(r.split()) for r in refs) - 1 for v in found)


def test_variants_keep_an_agreement_with_its_noun() -> None:
    """'gafas' goes with 'las', 'lentes' with 'los': no mixture pairs 'gafas' with 'los'."""
    found = _variants(
        (
            "Busqué mis gafas por toda la casa y no las encontré.",
            "Busqué mis lentes por toda la casa y no los encontré.",
        ),
        "es",
    )
    assert not [v for v in found if "gafas" in v and " los " in v]
    assert not [v for v in found if "lentes" in v and " las " in v]


def test_variants_are_bounded_and_none_for_a_single_plain_translation() -> None:
    """Five translations differing in three places make far more mixtures than are tried."""
    slots = [
        ("older", "hot", "Mondays"),
        ("younger", "cold", "Tuesdays"),
        ("big", "warm", "Fridays"),
        ("little", "fresh", "Sundays"),
        ("eldest", "tasty", "Saturdays"),
    ]
    refs = tuple(f"My {a} brother eats {b} soup on {c}." for a, b, c in slots)
    found = _variants(refs, "en")
    assert len(found) == _MAX_VARIANTS
    assert len(set(found)) == len(found)
    assert _variants(("Hola.",), "es") == ()


def test_variants_add_the_other_spanish_negation_order() -> None:
    found = _variants(("Nunca he estado en París.",), "es")
    assert "No he estado nunca en París." in found
    assert _variants(("Nunca he estado en París.",), "en") == ()  # Spanish only


# --------------------------------------------------------------------------- negation order


@pytest.mark.parametrize(
    ("text", "variant"),
    [
        (
            "Nunca había visto un paisaje tan bonito como el de aquella isla.",
            "No había visto nunca un paisaje tan bonito como el de aquella isla.",
        ),
        ("Nadie me llamó.", "No me llamó nadie."),
        ("Nada me gusta.", "No me gusta nada."),
        ("Yo tampoco quiero ir.", "Yo no quiero ir tampoco."),
        ("Jamás como carne.", "No como carne jamás."),
        ("No he estado nunca en París.", "Nunca he estado en París."),
    ],
)
def test_es_negation_variants_move_the_negative_word(text: str, variant: str) -> None:
    assert variant in _es_negation_variants(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nunca en mi vida he probado un plato tan sabroso.",  # "nunca" not before its verb
        "Casi nunca como carne.",  # "casi nunca" stays together
        "No me gusta.",  # no negative word to move
    ],
)
def test_es_negation_variants_leave_other_sentences_alone(text: str) -> None:
    assert _es_negation_variants(text) == []


@pytest.mark.parametrize(
    ("answer", "ref"),
    [
        (
            "No había visto nunca un paisaje tan bonito como el de aquella isla.",
            "Nunca había visto un paisaje tan bonito como el de aquella isla.",
        ),
        ("Nunca he estado en París.", "No he estado nunca en París."),
        ("No me llamó nadie.", "Nadie me llamó."),
        ("No me gusta nada.", "Nada me gusta."),
        ("Yo no quiero ir tampoco.", "Yo tampoco quiero ir."),
        ("No como carne jamás.", "Jamás como carne."),
    ],
)
def test_spanish_negative_word_before_the_verb_or_after_it_with_no_is_correct(
    answer: str, ref: str
) -> None:
    g = graded(answer, ref, "es")
    assert g.verdict == "correct", g
    assert g.score == 100
    assert kinds(g) <= {"case"}


def test_no_and_nunca_where_the_sentence_has_only_nunca_is_wrong() -> None:
    """'No en mi vida he probado nunca': 'nunca' is not before its verb, so no other order."""
    g = graded(
        "No en mi vida he probado nunca un plato tan sabroso.",
        "Nunca en mi vida he probado un plato tan sabroso.",
        "es",
    )
    assert g.verdict == "wrong"
