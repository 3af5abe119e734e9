"""Scoring: the verdict and the score a learner sees, and the highlight on each word.

Correct (90-100): nothing but capitals or final punctuation differs. Almost (60-89): exactly one
slip that makes no other word. Wrong (0-59): anything else; a lost negation or an unrelated
sentence scores lower than a single wrong word.
"""

from __future__ import annotations

import pytest

from aidioma_desktop.domain.grading import GradeError
from aidioma_desktop.domain.grading.scoring import _verdict
from tests.domain.grading.conftest import assert_consistent, graded, kinds, status_of

# --------------------------------------------------------------------------- _verdict


@pytest.mark.parametrize(
    ("error_kinds", "score", "verdict", "shown"),
    [
        ([], 100, "correct", 100),
        (["case"], 97, "correct", 100),  # a capital costs nothing
        (["missing_accent"], 88, "almost", 88),
        (["misspelling"], 95, "almost", 89),  # a slip is never shown as correct
        (["punctuation"], 40, "almost", 60),  # ... nor as wrong
        (["agreement"], 84, "wrong", 59),
        (["verb_form"], 64, "wrong", 59),
        (["word_order"], 84, "wrong", 59),
        (["missing_accent", "agreement"], 70, "wrong", 59),
        (["negation"], 40, "wrong", 40),
    ],
)
def test_verdict_keeps_the_score_inside_its_band(
    error_kinds: list[str], score: int, verdict: str, shown: int
) -> None:
    assert _verdict(error_kinds, score) == (verdict, shown)


# --------------------------------------------------------------------------- correct


@pytest.mark.parametrize(
    ("answer", "refs", "lang"),
    [
        ("¿Dónde está la estación?", ["¿Dónde está la estación?"], "es"),
        ("Me gusta mucho la sopa de verduras.", ["Me gusta mucho la sopa de verduras."], "es"),
        ("I really like vegetable soup.", ["I really like vegetable soup."], "en"),
        (
            "I like vegetable soup a lot.",
            ["I really like vegetable soup.", "I like vegetable soup a lot."],
            "en",
        ),
    ],
)
def test_exact_match_is_correct_with_full_score(answer: str, refs: list[str], lang: str) -> None:
    g = graded(answer, refs, lang)
    assert (g.verdict, g.score, g.errors, g.missing) == ("correct", 100, (), ())
    assert g.feedback == ""  # the app shows the verdict itself
    assert g.reference == answer
    assert all(m.status == "ok" for m in g.marks)


@pytest.mark.parametrize(
    ("answer", "ref", "lang"),
    [
        ("¡HOLA, MARÍA!", "¡Hola, María!", "es"),
        ("¿¿Dónde   está la estación??", "¿Dónde está la estación?", "es"),
        ("¿dónde está la estación", "¿Dónde está la estación?", "es"),  # the final '?' only
        ("i live in madrid", "I live in Madrid.", "en"),
        ("I LIVE IN MADRID!!!", "I live in Madrid.", "en"),
        ("Well; it's fine: really.", "Well, it's fine, really!", "en"),
        ("i really like vegetable soup", "I really like vegetable soup.", "en"),
    ],
)
def test_capitals_and_final_punctuation_only_are_correct(answer: str, ref: str, lang: str) -> None:
    g = graded(answer, ref, lang)
    assert g.verdict == "correct"
    assert g.score == 100
    assert kinds(g) <= {"case"}


def test_a_note_about_capitals_does_not_lower_the_verdict() -> None:
    g = graded("i live in madrid", "I live in Madrid.", "en")
    assert (g.verdict, g.score) == ("correct", 100)
    assert GradeError("case", "Madrid", "madrid") in g.errors
    assert status_of(g, "madrid") == "minor"
    assert g.feedback == "Mind the capital letter: 'I'."


# --------------------------------------------------------------------------- almost


@pytest.mark.parametrize(
    ("answer", "ref", "mark"),
    [
        ("hola, maría", "¡Hola, María!", "¡"),
        ("dónde está la estación", "¿Dónde está la estación?", "¿"),
        ("«Dónde» está — la estación", "¿Dónde está la estación?", "¿"),
        ("Qué hora es?", "¿Qué hora es?", "¿"),
    ],
)
def test_a_missing_opening_mark_is_a_slip(answer: str, ref: str, mark: str) -> None:
    """Spanish opens a question with '¿' and an exclamation with '¡': leaving it out is a slip."""
    g = graded(answer, ref, "es")
    assert g.verdict == "almost"
    assert GradeError("punctuation", mark, None) in g.errors
    assert f"'{mark}'" in g.feedback


@pytest.mark.parametrize(
    ("answer", "ref", "lang"),
    [
        ("Trabajo todos los dias en la estacion.", "Trabajo todos los días en la estación.", "es"),
        ("The cat is very hapy tody.", "The cat is very happy today.", "en"),
    ],
)
def test_two_slips_are_more_than_a_slip(answer: str, ref: str, lang: str) -> None:
    """ "Almost" is exactly one slip; two of them are wrong."""
    g = graded(answer, ref, lang)
    assert g.verdict == "wrong"


def test_several_accents_one_of_them_another_word_are_wrong_and_that_one_is_named() -> None:
    """'donde' (where, relative) for 'dónde' (where?) is another word; the other accents follow."""
    g = graded("¿Donde esta la estacion?", "¿Dónde está la estación?", "es")
    assert g.verdict == "wrong"
    assert g.feedback.startswith("Mind the accent: 'Donde' and 'Dónde' are different words")
    assert "'estación'" in g.feedback


# --------------------------------------------------------------------------- negation


@pytest.mark.parametrize(
    ("answer", "refs", "lang"),
    [
        ("Como carne.", ["No como carne."], "es"),
        ("Él tiene coche.", ["Él no tiene coche.", "No tiene coche."], "es"),
        ("Tengo tiempo.", ["No tengo tiempo."], "es"),
        ("I have time.", ["I don't have time."], "en"),
        ("She eats meat.", ["She does not eat meat."], "en"),
        ("I can swim.", ["I can't swim."], "en"),
    ],
)
def test_lost_negation_is_wrong(answer: str, refs: list[str], lang: str) -> None:
    g = graded(answer, refs, lang)
    assert g.verdict == "wrong"
    assert not g.unsure
    assert "negation" in kinds(g)
    assert g.feedback.startswith("The sentence is negative")
    assert 30 <= g.score <= 45


def test_lost_negation_feedback_and_highlight() -> None:
    g = graded("Como carne.", "No como carne.", "es")
    assert g.feedback == "The sentence is negative ('no') and your answer isn't."
    assert g.missing == ("No",)
    g = graded("I like coffee.", "I don't like coffee.", "en")
    assert g.missing == ("don't",)
    assert g.errors[0] == GradeError("negation", "don't", None)


@pytest.mark.parametrize(
    ("answer", "ref", "lang"),
    [
        ("No me gusta el café.", "Me gusta el café.", "es"),
        ("Nunca trabajo los sábados.", "Trabajo los sábados.", "es"),
        ("My brother doesn't work on Saturdays.", "My brother works on Saturdays.", "en"),
        ("I never drink tea.", "I drink tea.", "en"),
    ],
)
def test_added_negation_is_wrong(answer: str, ref: str, lang: str) -> None:
    g = graded(answer, ref, lang)
    assert g.verdict == "wrong"
    assert not g.unsure
    negation = next(e for e in g.errors if e.kind == "negation")
    assert negation.expected is None and negation.got
    assert f"'{negation.got.lower()}'" in g.feedback


def test_never_for_not_is_wrong() -> None:
    """'never' says more than 'don't': another word."""
    g = graded("They never eat meat.", "They don't eat meat.", "en")
    assert g.verdict == "wrong"
    assert g.errors == (GradeError("wrong_word", "not", "never"),)
    g = graded("I not think so.", "I do not think so.", "en")
    assert g.verdict == "wrong"


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("answer", "ref", "lang"),
    [
        ("Tengo un gato.", "Tengo un perro.", "es"),
        ("I have a cat.", "I have a dog.", "en"),
        ("It is hot today.", "It is cold today.", "en"),
    ],
)
def test_other_content_word_in_a_short_sentence_is_wrong(answer: str, ref: str, lang: str) -> None:
    g = graded(answer, ref, lang)
    assert g.verdict == "wrong"
    assert not g.unsure  # another animal, the opposite: the grader is sure
    assert kinds(g) == {"wrong_word"}


@pytest.mark.parametrize(
    ("answer", "ref", "lang", "expected", "got"),
    [
        (
            "My grandmother lives in a small flat near the church.",
            "My grandmother lives in a small house near the church.",
            "en",
            "house",
            "flat",
        ),
        (
            "Me gusta mucho la sopa de pollo.",
            "Me gusta mucho la sopa de verduras.",
            "es",
            "verduras",
            "pollo",
        ),
    ],
)
def test_other_content_word_in_a_long_sentence_is_wrong_too(
    answer: str, ref: str, lang: str, expected: str, got: str
) -> None:
    """A long sentence doesn't dilute a changed word: still another meaning."""
    g = graded(answer, ref, lang)
    assert g.verdict == "wrong"
    assert g.errors == (GradeError("wrong_word", expected, got),)
    assert status_of(g, got) == "wrong"


def test_two_meaning_errors_are_wrong() -> None:
    g = graded("Mi padre vive en ciudad.", "Mis padres viven en el campo.", "es")
    assert g.verdict == "wrong"
    assert g.score < 50


def test_missing_word_is_wrong_named_and_highlighted() -> None:
    """'todos días' without 'los' is no Spanish."""
    g = graded("Como fruta todos días.", "Como fruta todos los días.", "es")
    assert g.verdict == "wrong"
    assert g.errors == (GradeError("missing_word", "los", None),)
    assert g.missing == ("los",)
    assert "'los'" in g.feedback


def test_missing_phrase_is_named_as_one_phrase() -> None:
    g = graded("Como fruta.", "Como fruta todos los días.", "es")
    assert g.verdict == "wrong"
    assert g.errors == (GradeError("missing_word", "todos los días", None),)
    assert g.missing == ("todos", "los", "días")
    assert "missing: 'todos los días'." in g.feedback.lower()


def test_extra_word_is_wrong_named_and_highlighted() -> None:
    """'muy alto' says more than 'alto'."""
    g = graded("Mi hermano es muy alto.", "Mi hermano es alto.", "es")
    assert g.verdict == "wrong"
    assert g.errors == (GradeError("extra_word", None, "muy"),)
    assert status_of(g, "muy") == "extra"
    assert "'muy'" in g.feedback
    g = graded("I really like the vegetable soup.", "I really like vegetable soup.", "en")
    assert g.verdict == "wrong"
    assert g.errors == (GradeError("extra_word", None, "the"),)


# --------------------------------------------------------------------------- scores


@pytest.mark.parametrize(
    ("answer", "refs", "lang", "verdict", "low", "high"),
    [
        # one slip: the top of the almost band
        ("¿Dónde esta la estación?", ["¿Dónde está la estación?"], "es", "almost", 85, 89),
        ("The cat is very hapy.", ["The cat is very happy."], "en", "almost", 85, 89),
        # one grammar or meaning error: the top of the wrong band
        ("Where the train station is?", ["Where is the train station?"], "en", "wrong", 50, 59),
        (
            "My grandmother lives in a small flat near the church.",
            ["My grandmother lives in a small house near the church."],
            "en",
            "wrong",
            50,
            59,
        ),
        (
            "Comí una manzana todos los días.",
            ["Como una manzana todos los días."],
            "es",
            "wrong",
            50,
            59,
        ),
        ("La casa es rojo.", ["La casa es roja."], "es", "wrong", 50, 59),
        # lost negation: the meaning reversed
        ("Como carne.", ["No como carne."], "es", "wrong", 30, 45),
        (
            "My brother works on Saturdays.",
            ["My brother doesn't work on Saturdays."],
            "en",
            "wrong",
            30,
            45,
        ),
        # completely unrelated
        (
            "I like cheese very much.",
            ["Provided it doesn't rain, we'll go to the beach."],
            "en",
            "wrong",
            0,
            14,
        ),
        (
            "The cat sleeps on the sofa.",
            ["Tomorrow we are going to the beach with friends."],
            "en",
            "wrong",
            0,
            14,
        ),
        ("Hola", ["Tengo un perro."], "es", "wrong", 0, 14),
    ],
)
def test_scores_follow_the_severity(
    answer: str, refs: list[str], lang: str, verdict: str, low: int, high: int
) -> None:
    g = graded(answer, refs, lang)
    assert g.verdict == verdict
    assert low <= g.score <= high, g
    assert_consistent(g)


def test_severities_are_ordered() -> None:
    """A slip scores above any error; a reversed meaning below a changed word; an unrelated
    sentence lowest."""
    ref = ["Como una manzana todos los días."]
    slip = graded("Como una manzana todos los dias.", ref, "es").score
    errors = [
        graded(answer, ref, "es").score
        for answer in (
            "Cómo una manzana todos los días.",  # an accent that makes another word
            "Como una manzana los días todos.",  # word order
            "Como una pera todos los días.",  # another content word
            "Comí una manzana todos los días.",  # another tense
        )
    ]
    negation = graded("No como una manzana todos los días.", ref, "es").score
    unrelated = graded("El gato duerme en el sofá.", ref, "es").score
    assert slip > max(errors)
    assert min(errors) > negation > unrelated


# --------------------------------------------------------------------------- marks


def test_marks_cover_every_answer_token_in_order() -> None:
    g = graded("¡Mi hermano es muy alto, y rojo!", "Mi hermano es alto y rubio.", "es")
    assert [m.text for m in g.marks] == ["Mi", "hermano", "es", "muy", "alto", "y", "rojo"]
    assert status_of(g, "Mi") == "ok"
    assert status_of(g, "muy") == "extra"
    assert status_of(g, "rojo") == "wrong"


def test_missing_lists_reference_words_as_written() -> None:
    g = graded("Voy parque.", "Voy al parque mañana.", "es")
    assert g.verdict == "wrong"
    assert g.missing == ("al", "mañana")
    assert all(m.status == "ok" for m in g.marks)
