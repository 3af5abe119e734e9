"""Offline translation grader: compare a learner's answer with the accepted translations.

Pure standard library, no I/O. A pipeline, one module a step:

1. `tokens`: normalise and split the answer and each reference (contractions expanded, numbers
   read as values); `lexicon` holds what the grader knows of Spanish and English words.
2. `alignment`: pair answer words with reference words (difflib runs, then a small weighted
   edit-distance DP inside the differing stretches; moved words, free time-phrase moves).
3. `classify`: name each difference (accent, spelling, agreement, verb form, negation, ...).
4. `equivalences`: mixtures of the accepted translations, and Spanish negation word order.
5. `scoring`: penalties, score, per-word marks and the verdict; `feedback`: the words for it.
6. `grader`: runs the steps per reference and keeps the best, and flags an unsure "wrong".

The labels, as a Spanish teacher gives them:

- **correct**: same meaning as the source and grammatical, including paraphrases no reference
  lists (synonyms, another valid word order, contractions, an omitted Spanish subject pronoun,
  tú/usted or the speaker's gender where the source leaves it open, British/American spelling,
  regional words), and differences only in capitals or final punctuation.
- **almost** (a slip): the meaning is right and there is exactly one surface slip that produces
  no other valid form: one missing or wrong accent that does not turn the word into another word
  or verb form (`esta` for `está` is a slip; `hablo` for `habló` is not), a one-letter typo that
  makes a non-word, a missing `¿` or `¡`.
- **wrong**: anything that changes meaning or breaks grammar, even by one letter: another tense,
  person, mood or number; gender or number agreement; ser/estar; por/para and other
  prepositions; a content word changed, added or dropped; subject and object swapped; clitic
  order; false friends; literal idioms; the answer in the wrong language; empty or near-empty
  answers. A one-character difference that yields another real word with another grammatical
  meaning (`come`/`comí`, `bonito`/`bonita`, `gusta`/`gustan`) is wrong, not a typo.
- **unsure** (a flag on "wrong"): the answer differs from every reference only by words the
  grader cannot judge (a possible synonym or rewording), with no negation, number, tense or
  person change it can see. The app says so and offers "I was right"; the attempt is not
  counted correct until the person or the AI tutor says so.
"""

from .grader import grade
from .types import MAX_TOKENS, ErrorKind, Grade, GradeError, Mark, MarkStatus, Verdict

__all__ = [
    "MAX_TOKENS",
    "ErrorKind",
    "Grade",
    "GradeError",
    "Mark",
    "MarkStatus",
    "Verdict",
    "grade",
]
