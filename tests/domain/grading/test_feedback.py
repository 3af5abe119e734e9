"""Feedback: the one or two short sentences a learner reads under the verdict. They name the
point and the accepted form, never repeat the verdict, and never contradict themselves."""

from __future__ import annotations

import pytest

from aidioma_desktop.domain.grading import MAX_TOKENS, GradeError
from aidioma_desktop.domain.grading.feedback import _NO_MATCH, _describe, _feedback
from tests.domain.grading.conftest import assert_consistent, graded, kinds

# --------------------------------------------------------------------------- _describe


@pytest.mark.parametrize(
    ("error", "kind", "lang", "text"),
    [
        (
            GradeError("missing_accent", "está", "esta"),
            "missing_accent",
            "es",
            "Check the accent: 'está', not 'esta'.",
        ),
        (
            GradeError("missing_accent", "niño", "nino"),
            "missing_accent",
            "es",
            "Check the ñ: 'niño', not 'nino'.",
        ),
        (
            GradeError("misspelling", "perro", "perrro"),
            "misspelling",
            "es",
            "Check the spelling: 'perro', not 'perrro'.",
        ),
        (
            GradeError("wrong_word", "Él", "El"),
            "accent_word",
            "es",
            "Mind the accent: 'El' and 'Él' are different words; the sentence needs 'Él'.",
        ),
        (
            GradeError("verb_form", "habló", "hablo"),
            "accent_verb",
            "es",
            "Mind the accent: 'hablo' is another form of the verb; the sentence needs 'habló'.",
        ),
        (
            GradeError("wrong_word", "bed", "bad"),
            "real_word",
            "en",
            "'bad' is another word; the sentence needs 'bed'.",
        ),
        (
            GradeError("verb_form", "Como", "Comí"),
            "verb_form",
            "es",
            "'Comí' is past tense; the sentence needs 'Como'.",
        ),
        (
            GradeError("verb_form", "Como", "Comes"),
            "verb_form",
            "es",
            "'Comes' is the wrong form of the verb; the sentence needs 'Como'.",
        ),
        (
            GradeError("agreement", "roja", "rojo"),
            "agreement",
            "es",
            "Check the agreement: 'roja', not 'rojo'.",
        ),
        (
            GradeError("agreement", None, "Ellos"),
            "agreement",
            "es",
            "'Ellos' doesn't match the verb.",
        ),
        (
            GradeError("missing_word", "todos los días", None),
            "missing_word",
            "es",
            "Missing: 'todos los días'.",
        ),
        (GradeError("extra_word", None, "muy"), "extra_word", "es", "Not needed: 'muy'."),
        (
            GradeError("word_order", "coche rojo", "rojo coche"),
            "word_order",
            "es",
            "Check the word order: 'coche rojo', not 'rojo coche'.",
        ),
        (GradeError("case", "María", "maría"), "case", "es", "Mind the capital letter: 'María'."),
        (
            GradeError("punctuation", "¿", None),
            "punctuation",
            "es",
            "Spanish also puts '¿' at the start.",
        ),
    ],
)
def test_describe_names_the_point_and_the_accepted_form(
    error: GradeError, kind: str, lang: str, text: str
) -> None:
    assert _describe(error, [error], kind, lang) == text


def test_describe_groups_errors_of_one_kind() -> None:
    accents = [
        GradeError("missing_accent", "días", "dias"),
        GradeError("missing_accent", "estación", "estacion"),
    ]
    assert _describe(accents[0], accents, "missing_accent", "es") == (
        "Check the accents: 'días' (not 'dias'), 'estación' (not 'estacion')."
    )
    missing = [GradeError("missing_word", "al", None), GradeError("missing_word", "mañana", None)]
    assert _describe(missing[0], missing, "missing_word", "es") == "Missing: 'al' and 'mañana'."


def test_describe_shortens_an_enormous_word() -> None:
    error = GradeError("misspelling", "amigo", "a" * 5_000)
    assert len(_describe(error, [error], "misspelling", "es")) < 100


# --------------------------------------------------------------------------- _feedback


def test_feedback_is_empty_for_a_correct_answer_and_notes_a_capital() -> None:
    assert _feedback("correct", [], [], "en", False, False) == ""
    note = [GradeError("case", "I", "i")]
    assert _feedback("correct", note, ["case"], "en", False, False) == (
        "Mind the capital letter: 'I'."
    )


def test_feedback_for_an_unrelated_answer_points_to_the_translation() -> None:
    errors = [GradeError("wrong_word", "perro", "Hola")]
    assert _feedback("wrong", errors, ["wrong_word"], "es", False, True) == _NO_MATCH


def test_feedback_says_when_only_the_start_of_a_long_answer_counted() -> None:
    text = _feedback("wrong", [], [], "es", True, False)
    assert str(MAX_TOKENS) in text


def test_feedback_says_at_most_two_things() -> None:
    errors = [
        GradeError("verb_form", "Como", "Comí"),
        GradeError("wrong_word", "manzana", "pera"),
        GradeError("missing_word", "todos", None),
        GradeError("extra_word", None, "muy"),
    ]
    error_kinds = ["verb_form", "wrong_word", "missing_word", "extra_word"]
    text = _feedback("wrong", errors, error_kinds, "es", False, False)
    assert text == (
        "'Comí' is past tense; the sentence needs 'Como'. "
        "'pera' isn't right here; the sentence needs 'manzana'."
    )


def test_feedback_never_contradicts_itself() -> None:
    """Told "the sentence needs 'Nunca'", the learner is not also told "not needed: 'nunca'"."""
    errors = [GradeError("wrong_word", "Nunca", "No"), GradeError("extra_word", None, "nunca")]
    text = _feedback("wrong", errors, ["wrong_word", "extra_word"], "es", False, False)
    assert text == "'No' isn't right here; the sentence needs 'Nunca'."


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (
            GradeError("negation", "no", None),
            "The sentence is negative ('no') and your answer isn't.",
        ),
        (
            GradeError("negation", None, "Nunca"),
            "Your answer is negative ('nunca') and the sentence isn't.",
        ),
        (GradeError("negation", "sin", None), "The sentence says 'sin' and your answer doesn't."),
    ],
)
def test_feedback_on_negation_says_which_side_is_negative(error: GradeError, text: str) -> None:
    assert _feedback("wrong", [error], ["negation"], "es", False, False) == text


# --------------------------------------------------------------------------- end to end


@pytest.mark.parametrize(
    ("answer", "ref", "lang", "feedback"),
    [
        ("¿Dónde está la estación?", "¿Dónde está la estación?", "es", ""),
        ("i live in Madrid", "I live in Madrid.", "en", "Mind the capital letter: 'I'."),
        (
            "¿Dónde esta la estación?",
            "¿Dónde está la estación?",
            "es",
            "Check the accent: 'está', not 'esta'.",
        ),
        (
            "El es muy alto.",
            "Él es muy alto.",
            "es",
            "Mind the accent: 'El' and 'Él' are different words; the sentence needs 'Él'.",
        ),
        (
            "Comí una manzana.",
            "Como una manzana.",
            "es",
            "'Comí' is past tense; the sentence needs 'Como'.",
        ),
        (
            "Como carne.",
            "No como carne.",
            "es",
            "The sentence is negative ('no') and your answer isn't.",
        ),
        ("Como fruta.", "Como fruta todos los días.", "es", "Missing: 'todos los días'."),
        (
            "Quiero un café con azúcar.",
            "Quiero un café sin azúcar.",
            "es",
            "The sentence says 'sin' and your answer doesn't. Not needed: 'con'.",
        ),
    ],
)
def test_feedback_starts_with_the_point_not_the_verdict(
    answer: str, ref: str, lang: str, feedback: str
) -> None:
    g = graded(answer, ref, lang)
    assert g.feedback == feedback
    assert_consistent(g)


@pytest.mark.parametrize(
    ("answer", "ref", "lang", "accepted"),
    [
        ("Tengo un pero.", "Tengo un perro.", "es", "perro"),
        ("Ayer hablo con ella.", "Ayer habló con ella.", "es", "habló"),
        ("La casa es rojo.", "La casa es roja.", "es", "roja"),
        ("Fui al parque.", "Voy al parque.", "es", "Voy"),
        ("They never eat meat.", "They don't eat meat.", "en", "not"),
        ("I have a cat.", "I have a dog.", "en", "dog"),
    ],
)
def test_feedback_names_the_accepted_form(answer: str, ref: str, lang: str, accepted: str) -> None:
    g = graded(answer, ref, lang)
    assert f"'{accepted}'" in g.feedback


def test_a_completely_wrong_answer_gets_no_word_by_word_feedback() -> None:
    g = graded("I like cheese very much.", "Provided it doesn't rain, we'll go to the beach.", "en")
    assert g.verdict == "wrong" and g.score < 30
    assert g.feedback == _NO_MATCH


def test_a_wrong_nunca_is_named_once() -> None:
    g = graded(
        "No en mi vida he probado nunca un plato tan sabroso.",
        "Nunca en mi vida he probado un plato tan sabroso.",
        "es",
    )
    assert g.verdict == "wrong"
    assert "Not needed" not in g.feedback
    assert g.feedback == "'No' isn't right here; the sentence needs 'Nunca'."


def test_a_lost_negative_contraction_is_reported_once() -> None:
    g = graded("I still ironed the shirt.", "I still haven't ironed the shirt.", "en")
    assert g.verdict == "wrong"
    assert g.feedback == "The sentence is negative ('haven't') and your answer isn't."
    assert g.missing == ("haven't",)


def test_word_order_feedback_names_both_orders() -> None:
    g = graded("I went yesterday to the market.", "Yesterday I went to the market.", "en")
    assert g.verdict == "wrong" and kinds(g) == {"word_order"}
    assert g.feedback == "Check the word order: 'Yesterday I went', not 'I went yesterday'."


def test_feedback_does_not_repeat_the_reference() -> None:
    ref = "Mis padres viven en el campo."
    g = graded("Mi padre vive en ciudad.", ref, "es")
    assert ref.rstrip(".") not in g.feedback
    assert len(g.feedback) < 200
