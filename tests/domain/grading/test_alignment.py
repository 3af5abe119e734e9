"""Alignment: which of the learner's words stands for which reference word. A moved word is word
order (not a missing word plus an extra one), a time phrase may move freely, and some words
(a Spanish subject pronoun, English "that" and "got") may be left out."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest

from aidioma_desktop.domain.grading import GradeError
from aidioma_desktop.domain.grading.alignment import (
    _align,
    _Cluster,
    _Context,
    _Op,
    _order_clusters,
    _pair_moves,
)
from tests.domain.grading.conftest import graded, kinds, status_of, toks


def aligned(ref: str, answer: str, lang: str) -> tuple[list[_Op], list[_Cluster], _Context]:
    """The alignment steps as the grader runs them: pair, find moves, group the moves."""
    ref_toks, ans_toks = toks(ref, lang), toks(answer, lang)
    ctx = _Context(ref_toks, ans_toks, lang)
    matcher = SequenceMatcher(
        None, [t.fold for t in ref_toks], [t.fold for t in ans_toks], autojunk=False
    )
    ops = _pair_moves(_align(ctx, matcher), ctx)
    clusters = _order_clusters(ops, ctx)
    return ops, clusters, ctx


# --------------------------------------------------------------------------- pairing


def test_a_changed_word_pairs_with_the_word_in_its_place() -> None:
    ops, clusters, _ = aligned("Tengo un perro", "Tengo un gato", "es")
    assert ops == [(0, 0, "ok"), (1, 1, "ok"), (2, 2, "wrong_word")]
    assert clusters == []


def test_a_dropped_word_is_missing_and_the_rest_stay_paired() -> None:
    ops, _, _ = aligned("Como fruta todos los días", "Como fruta todos días", "es")
    assert (3, None, "missing") in ops
    assert (4, 3, "ok") in ops  # "días" still pairs with "días"


def test_a_moved_word_is_paired_as_word_order_not_missing_and_extra() -> None:
    ops, clusters, _ = aligned("El coche rojo es mío", "El rojo coche es mío", "es")
    assert (2, 1, "word_order") in ops  # "rojo" found where the learner put it
    assert all(ri is not None and aj is not None for ri, aj, _ in ops)
    assert [(c.ref_lo, c.ref_hi, c.ans_lo, c.ans_hi) for c in clusters] == [(1, 2, 1, 2)]


def test_a_negation_never_pairs_with_another_word() -> None:
    """'Yo' does not stand for 'No': the 'no' is missing, whatever the slot."""
    ops, _, _ = aligned("No como carne", "Yo como carne", "es")
    assert (0, None, "missing") in ops
    assert all(kind != "negation" for _, _, kind in ops)


def test_a_time_phrase_moved_in_spanish_is_no_word_order_error() -> None:
    ops, clusters, _ = aligned(
        "Los sábados el mercado está abierto", "El mercado los sábados está abierto", "es"
    )
    assert clusters == []
    assert all(kind == "ok" for _, _, kind in ops)


def test_an_english_time_phrase_moves_freely_only_to_the_edge() -> None:
    ref = "Yesterday I went to the market"
    _, clusters, _ = aligned(ref, "I went to the market yesterday", "en")
    assert clusters == []
    _, clusters, _ = aligned(ref, "I went yesterday to the market", "en")
    assert len(clusters) == 1


# --------------------------------------------------------------------------- optional words


def test_context_knows_which_words_may_be_left_out() -> None:
    assert _Context(toks("Yo como una manzana", "es"), [], "es").drop_ok[0]
    assert not _Context(toks("Hablo con ella", "es"), [], "es").drop_ok[2]  # after a preposition
    assert not _Context(toks("Mi hermano y yo", "es"), [], "es").drop_ok[3]  # "X y yo"
    assert _Context(toks("I think that the film was boring", "en"), [], "en").drop_ok[2]
    assert not _Context(toks("I know that man", "en"), [], "en").drop_ok[2]  # no clause
    assert _Context(toks("I have got to go", "en"), [], "en").drop_ok[2]


def test_omitted_subject_pronoun_is_correct() -> None:
    g = graded("Como una manzana todos los días.", "Yo como una manzana todos los días.", "es")
    assert (g.verdict, g.score, g.missing) == ("correct", 100, ())


def test_added_subject_pronoun_is_correct() -> None:
    for answer in ("Nosotros vivimos en Madrid.", "Nosotras vivimos en Madrid."):
        g = graded(answer, "Vivimos en Madrid.", "es")
        assert (g.verdict, g.score) == ("correct", 100)
        assert status_of(g, answer.split()[0]) == "ok"
    g = graded("Ella es muy inteligente.", "Es muy inteligente.", "es")
    assert g.verdict == "correct"


def test_pronoun_after_a_preposition_is_not_optional() -> None:
    """'Hablo con.' drops the person spoken with: a content word dropped."""
    g = graded("Hablo con.", "Hablo con ella.", "es")
    assert g.verdict == "wrong"
    assert g.missing == ("ella",)
    assert g.errors == (GradeError("missing_word", "ella", None),)


@pytest.mark.parametrize(
    ("answer", "ref"),
    [
        # "that" after verbs and adjectives of saying, thinking and feeling is optional.
        (
            "I'm convinced things will work out in the end.",
            "I'm convinced that things will work out in the end.",
        ),
        (
            "I'm convinced that things will work out in the end.",
            "I'm convinced things will work out in the end.",
        ),
        ("I think the film was boring.", "I think that the film was boring."),
        ("She said she was tired.", "She said that she was tired."),
        ("She told me that she was tired.", "She told me she was tired."),
        ("I'm sure it will rain.", "I'm sure that it will rain."),
        ("I hope you like it.", "I hope that you like it."),
        ("I knew that my brother was lying.", "I knew my brother was lying."),
        # have got (to) = have (to)
        ("I've got to make the bed.", "I have to make the bed."),
        ("I have got to make the bed.", "I have to make the bed."),
        ("I have to make the bed.", "I've got to make the bed."),
        ("She's got two cats.", "She has two cats."),
        ("We have got a big garden.", "We have a big garden."),
    ],
)
def test_optional_that_and_got_cost_nothing(answer: str, ref: str) -> None:
    g = graded(answer, ref, "en")
    assert g.verdict == "correct", g
    assert g.score == 100
    assert kinds(g) <= {"case"}


def test_that_is_only_optional_before_a_clause() -> None:
    g = graded("I know man.", "I know that man.", "en")
    assert g.verdict == "wrong"
    assert g.missing == ("that",)


# --------------------------------------------------------------------------- word order


@pytest.mark.parametrize(
    ("answer", "ref"),
    [
        ("Where the train station is?", "Where is the train station?"),
        ("I like very much football.", "I like football very much."),
        ("I went yesterday to the market.", "Yesterday I went to the market."),
    ],
)
def test_english_word_order_error_is_wrong(answer: str, ref: str) -> None:
    """English word order carries grammar: a moved word is an error, not a slip."""
    g = graded(answer, ref, "en")
    assert g.verdict == "wrong"
    assert not g.unsure
    assert kinds(g) == {"word_order"}
    assert g.missing == ()


def test_a_colour_before_the_noun_in_spanish_is_wrong() -> None:
    g = graded("El rojo coche es mío.", "El coche rojo es mío.", "es")
    assert g.verdict == "wrong"
    assert g.errors == (GradeError("word_order", "coche rojo", "rojo coche"),)
    assert g.missing == ()


def test_a_time_phrase_that_splits_a_phrase_is_wrong() -> None:
    g = graded(
        "Estoy muy hoy contento.", ["Estoy muy contento hoy.", "Hoy estoy muy contento."], "es"
    )
    assert g.verdict == "wrong"
    assert kinds(g) == {"word_order"}


@pytest.mark.parametrize(
    ("answer", "refs", "lang"),
    [
        ("El mercado los sábados está abierto.", ["Los sábados el mercado está abierto."], "es"),
        ("I went to the market yesterday.", ["Yesterday I went to the market."], "en"),
    ],
)
def test_a_time_phrase_in_another_valid_place_is_correct(
    answer: str, refs: list[str], lang: str
) -> None:
    g = graded(answer, refs, lang)
    assert (g.verdict, g.errors) == ("correct", ())


@pytest.mark.parametrize(
    ("answer", "refs", "lang"),
    [
        ("El mercado los sábados está abierto.", ["Los sábados el mercado está abierto."], "es"),
        ("Estoy muy hoy contento.", ["Estoy muy contento hoy."], "es"),
        ("I went yesterday to the market.", ["I went to the market."], "en"),
        ("I went yesterday to the market.", ["Yesterday I went to the market."], "en"),
    ],
)
def test_a_moved_word_is_never_reported_as_expected_equals_got(
    answer: str, refs: list[str], lang: str
) -> None:
    g = graded(answer, refs, lang)
    assert g.errors or g.verdict == "correct"
    assert all(e.expected != e.got for e in g.errors)
