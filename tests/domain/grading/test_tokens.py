"""Tokens: what the grader reads in an answer (words, contractions, numbers) and what a learner
sees come of it: "don't" and "do not" are the same, "ten" and "10" are the same."""

from __future__ import annotations

import pytest

from aidioma_desktop.domain.grading import MAX_TOKENS, GradeError
from aidioma_desktop.domain.grading.tokens import _raw_words, _reference, _tokens
from tests.domain.grading.conftest import graded, kinds, status_of, tok, toks

# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("¿¿Dónde   está la estación??", ["Dónde", "está", "la", "estación"]),
        ("«Dónde» está — la estación", ["Dónde", "está", "la", "estación"]),
        ("I don’t know — really!", ["I", "don't", "know", "really"]),  # curly apostrophe
        ("Well; it's fine: really.", ["Well", "it's", "fine", "really"]),
    ],
)
def test_raw_words_drop_punctuation_and_keep_apostrophes(text: str, words: list[str]) -> None:
    """Punctuation and spacing never count as words; an apostrophe stays inside its word."""
    assert _raw_words(text) == (words, False)


@pytest.mark.parametrize("text", ["😀", "?!¿¡...", "'''", "—", "   "])
def test_raw_words_of_an_answer_without_words_is_empty(text: str) -> None:
    assert _raw_words(text) == ([], False)


def test_raw_words_cap_a_long_answer_and_say_so() -> None:
    """A pasted essay is cut to MAX_TOKENS words, and the grader knows it was cut."""
    words, truncated = _raw_words("hola " * (MAX_TOKENS + 50))
    assert len(words) == MAX_TOKENS and truncated
    words, truncated = _raw_words("hola " * (MAX_TOKENS - 1))
    assert len(words) == MAX_TOKENS - 1 and not truncated


def test_raw_words_read_only_the_start_of_a_huge_blob() -> None:
    words, truncated = _raw_words("a" * 10_000_000)
    assert truncated
    assert len(words) == 1 and len(words[0]) < 10_000


def test_reference_keeps_the_words_as_written() -> None:
    """The "missing" list shows reference words as the reference spells them."""
    parts, written = _reference("I don't know, María.", "en")
    assert written == ("I", "don't", "know", "María")
    assert [t.text for t in parts] == ["I", "do", "not", "know", "María"]


# --------------------------------------------------------------------------- contractions


def test_a_contraction_expands_into_its_words_and_keeps_the_whole_word() -> None:
    parts = _tokens(["Don't"], "en")
    assert [t.text for t in parts] == ["Do", "not"]
    assert {t.orig for t in parts} == {"Don't"}  # the learner's word, for the marks
    assert parts[0].src == parts[1].src == 0


@pytest.mark.parametrize(
    ("word", "second"),
    [("I'd", {"would", "had"}), ("She's", {"is", "has"}), ("we've", {"have"})],
)
def test_an_ambiguous_contraction_accepts_each_reading(word: str, second: set[str]) -> None:
    """ "I'd" is "I would" or "I had"; "she's" is "she is" or "she has"."""
    parts = _tokens([word], "en")
    assert len(parts) == 2
    assert set(parts[1].alts) == second


@pytest.mark.parametrize("typed", ["dont", "do't"])
def test_a_contraction_without_its_apostrophe_is_read_as_the_contraction(typed: str) -> None:
    parts = _tokens([typed], "en")
    assert [t.key for t in parts] == ["do", "not"]
    assert parts[0].slip == "don't"  # ... and remembered as a spelling slip


@pytest.mark.parametrize("word", ["its", "were", "well", "wont"])
def test_real_words_are_not_read_as_contractions(word: str) -> None:
    """'its', 'were', 'well' and 'wont' are words, not "it's", "we're", "we'll", "won't"."""
    parts = _tokens([word], "en")
    assert [(t.text, t.slip) for t in parts] == [(word, None)]


def test_spanish_words_are_never_expanded() -> None:
    assert [t.text for t in toks("Don't dont", "es")] == ["Don't", "dont"]


@pytest.mark.parametrize(
    ("answer", "ref"),
    [
        ("I do not like coffee.", "I don't like coffee."),
        ("I don't like coffee.", "I do not like coffee."),
        ("She doesn't eat meat.", "She does not eat meat."),
        ("We didn't see it.", "We did not see it."),
        ("It isn't cold.", "It is not cold."),
        ("They aren't here.", "They are not here."),
        ("He wasn't at home.", "He was not at home."),
        ("You weren't there.", "You were not there."),
        ("I cannot swim.", "I can't swim."),
        ("I can not swim.", "I can't swim."),
        ("I can't swim.", "I cannot swim."),
        ("It will not rain.", "It won't rain."),
        ("I wouldn't do that.", "I would not do that."),
        ("You shouldn't run.", "You should not run."),
        ("She couldn't sleep.", "She could not sleep."),
        ("I have not eaten.", "I haven't eaten."),
        ("He hasn't called.", "He has not called."),
        ("We hadn't met.", "We had not met."),
        ("I'm tired.", "I am tired."),
        ("You are late.", "You're late."),
        ("We're ready.", "We are ready."),
        ("They are happy.", "They're happy."),
        ("He's tall.", "He is tall."),
        ("She is a doctor.", "She's a doctor."),
        ("It's raining.", "It is raining."),
        ("That is true.", "That's true."),
        ("There's a cat.", "There is a cat."),
        ("What is this?", "What's this?"),
        ("Where's the bank?", "Where is the bank?"),
        ("Who is she?", "Who's she?"),
        ("He's finished his homework.", "He has finished his homework."),
        ("She has gone home.", "She's gone home."),
        ("I've lost my keys.", "I have lost my keys."),
        ("You have won.", "You've won."),
        ("We've arrived.", "We have arrived."),
        ("They've left.", "They have left."),
        ("I'll call you.", "I will call you."),
        ("You will see.", "You'll see."),
        ("He'll come.", "He will come."),
        ("She will help.", "She'll help."),
        ("We'll see.", "We will see."),
        ("They will know.", "They'll know."),
        ("It'll work.", "It will work."),
        ("I'd like a coffee.", "I would like a coffee."),
        ("I had already eaten.", "I'd already eaten."),
        ("You'd love it.", "You would love it."),
        ("He would know.", "He'd know."),
        ("She'd left.", "She had left."),
        ("We'd like that.", "We would like that."),
        ("They had gone.", "They'd gone."),
        ("Let us go.", "Let's go."),
        ("Let's go.", "Let us go."),
        ("I don’t know", "I don't know."),  # curly apostrophe
    ],
)
def test_english_contractions_are_expanded_on_both_sides(answer: str, ref: str) -> None:
    """A contraction or its full form: the learner sees 'correct' and no note at all."""
    g = graded(answer, ref, "en")
    assert (g.verdict, g.score) == ("correct", 100), g
    assert kinds(g) <= {"case"}


def test_contraction_typed_without_apostrophe_is_a_spelling_slip_not_a_lost_negation() -> None:
    """'dont' is no word: a slip (almost), and the negation is still there."""
    g = graded("I dont understand the question.", "I don't understand the question.", "en")
    assert g.verdict == "almost"
    assert g.errors == (GradeError("misspelling", "don't", "dont"),)
    assert status_of(g, "dont") == "minor"
    assert "'don't'" in g.feedback


def test_marks_keep_the_learners_spelling_and_contractions_whole() -> None:
    g = graded("I DON'T like coffe", "I do not like coffee.", "en")
    assert [m.text for m in g.marks] == ["I", "DON'T", "like", "coffe"]
    assert status_of(g, "DON'T") == "ok"
    assert status_of(g, "coffe") == "minor"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("words", "lang", "value"),
    [
        ("ten", "en", 10),
        ("10", "en", 10),
        ("diez", "es", 10),
        ("twenty five", "en", 25),
        ("twenty-five", "en", 25),
        ("a hundred", "en", 100),
        ("treinta y cinco", "es", 35),
        ("veinticinco", "es", 25),
        ("veintidós", "es", 22),
        ("veintidos", "es", 22),  # the accent left out: still the number
        ("cien", "es", 100),
        ("doscientas", "es", 200),
        ("dos mil", "es", 2000),
    ],
)
def test_a_number_in_words_or_digits_is_read_as_its_value(
    words: str, lang: str, value: int
) -> None:
    written = [w for part in words.split() for w in _raw_words(part)[0]]
    parts = _tokens(written, lang)
    assert len(parts) == 1, [t.text for t in parts]
    assert parts[0].num == value
    assert parts[0].src == 0 and parts[0].last == len(written) - 1  # marks cover every word


def test_words_that_only_look_like_numbers_are_words() -> None:
    """Spanish 'ten' is "have!", not 10; a 10-digit string is no number the grader reads."""
    assert tok("ten", "es").num is None
    assert tok("1234567890", "en").num is None
    assert [t.num for t in toks("treinta y", "es")] == [30, None]


@pytest.mark.parametrize(
    ("answer", "ref", "lang"),
    [
        ("The train leaves in 10 minutes.", "The train leaves in ten minutes.", "en"),
        ("The train leaves in ten minutes.", "The train leaves in 10 minutes.", "en"),
        ("El tren sale en 10 minutos.", "El tren sale en diez minutos.", "es"),
        ("Tengo 20 años.", "Tengo veinte años.", "es"),
        ("Cuesta 100 euros.", "Cuesta cien euros.", "es"),
        ("It costs 100 euros.", "It costs a hundred euros.", "en"),
        ("We waited for 30 minutes.", "We waited for thirty minutes.", "en"),
        ("Esperamos 30 minutos.", "Esperamos treinta minutos.", "es"),
        ("I am 25 years old.", "I am twenty-five years old.", "en"),
        ("I am twenty five years old.", "I am 25 years old.", "en"),
        ("Tengo 25 años.", "Tengo veinticinco años.", "es"),
        ("Hay 35 alumnos.", "Hay treinta y cinco alumnos.", "es"),
        ("Hay treinta y cinco alumnos.", "Hay 35 alumnos.", "es"),
    ],
)
def test_numbers_as_digits_or_words_are_correct(answer: str, ref: str, lang: str) -> None:
    g = graded(answer, ref, lang)
    assert (g.verdict, g.score) == ("correct", 100), g
    assert kinds(g) <= {"case"}


def test_numbers_keep_their_marks_and_other_numbers_are_wrong() -> None:
    g = graded("I am twenty-five years old.", "I am 25 years old.", "en")
    assert [m.text for m in g.marks] == ["I", "am", "twenty", "five", "years", "old"]
    assert all(m.status == "ok" for m in g.marks)
    g = graded("It costs 20 euros.", "It costs thirty euros.", "en")
    assert g.verdict == "wrong"
    assert not g.unsure  # another number is never a possible synonym
    assert g.errors == (GradeError("wrong_word", "thirty", "20"),)
    assert status_of(g, "20") == "wrong"


def test_a_number_without_its_accent_is_an_accent_slip() -> None:
    """'veintidos' is no other word: the accent is a slip."""
    g = graded("Tengo veintidos años.", "Tengo veintidós años.", "es")
    assert g.verdict == "almost"
    assert g.errors == (GradeError("missing_accent", "veintidós", "veintidos"),)
