"""Equivalences: extra references built from the accepted ones.

The accepted translations are aligned with each other: their differing blocks are alternatives,
so a bounded, cached set of mixtures lets an answer that combines two accepted translations be
correct; in Spanish "nunca + verb" <-> "no + verb + nunca" too. Optional words (subject
pronouns, "that") and contractions are handled earlier, in tokens and alignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import combinations

from .classify import _classify
from .lexicon import (
    _ARTICLES,
    _AUXILIARIES,
    _ES_HABER,
    _ES_NWORD_BLOCKERS,
    _ES_NWORDS,
    _ES_NWORDS_MOVABLE,
    _ES_OBJECT_CLITICS,
    _MODALS,
    _PREPOSITIONS,
    _PRONOUNS,
    _content_count,
    _content_word,
    _fold,
    _word_class,
)
from .tokens import _WORD_RE, _normalise, _reference, _Tok, _tokens
from .types import MAX_TOKENS

_MAX_VARIANTS = 16  # mixed references built from several accepted translations


def _word_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    text = _normalise(text)
    spans: list[tuple[int, int]] = []
    for match in _WORD_RE.finditer(text):
        if len(spans) >= MAX_TOKENS:
            break
        spans.append(match.span())
    return text, spans


def _fold_key(text: str, lang: str) -> tuple[str, ...]:
    return tuple(t.fold for t in _reference(text, lang)[0])


def _es_negation_variants(text: str) -> list[str]:
    """'Nunca había visto' <-> 'No había visto nunca' (also nadie, nada, tampoco, jamás)."""
    t, spans = _word_spans(text)
    keys = [_fold(t[s:e].lower()) for s, e in spans]
    n = len(keys)
    out: list[str] = []
    if "no" not in keys:
        for i, key in enumerate(keys):
            if key not in _ES_NWORDS or i + 1 >= n:
                continue
            if i > 0 and keys[i - 1] in _ES_NWORD_BLOCKERS:
                continue
            j = i + 1
            while j < n and keys[j] in _ES_OBJECT_CLITICS:
                j += 1
            if j >= n or keys[j] in _PREPOSITIONS or keys[j] in _ARTICLES:
                break  # not followed by its verb ("nunca en mi vida he ...")
            if keys[j] in _ES_HABER and j + 1 < n:
                j += 1  # "no había visto nunca"
            word = t[spans[i][0] : spans[i][1]]
            no = "No" if word[:1].isupper() else "no"
            head = t[: spans[i][0]] + no + t[spans[i][1] : spans[j][1]]
            out.append(head + " " + word.lower() + t[spans[j][1] :])
            if 0 < n - j - 1 <= 3:  # "no he estado allí nunca"; not after a long tail
                rest = t[spans[j][1] : spans[-1][1]]
                out.append(head + rest + " " + word.lower() + t[spans[-1][1] :])
            break
        return out
    i = keys.index("no")
    if any(k in _ES_NWORDS for k in keys[:i]):
        return out
    for k in range(i + 1, n):
        if keys[k] in _ES_NWORDS_MOVABLE:
            word = t[spans[k][0] : spans[k][1]].lower()
            if t[spans[i][0]].isupper():
                word = word[:1].upper() + word[1:]
            start = spans[k][0]
            while start > 0 and t[start - 1] == " ":
                start -= 1
            out.append(t[: spans[i][0]] + word + t[spans[i][1] : start] + t[spans[k][1] :])
            break
    return out


_Block = tuple[int, int, int, int]  # a0, a1, b0, b1: words a[a0:a1] become b[b0:b1]


def _keeps_capital(word: str, proper: frozenset[str]) -> bool:
    return word == "I" or word.startswith("I'") or word in proper


def _splice(
    a: tuple[str, list[tuple[int, int]]],
    b: tuple[str, list[tuple[int, int]]],
    blocks: Sequence[_Block],
    proper: frozenset[str],
) -> str:
    """Reference `a` with some of its differing blocks taken from reference `b`."""
    a_text, a_spans = a
    b_text, b_spans = b
    n = len(a_spans)
    first_word = a_text[a_spans[0][0] : a_spans[0][1]]
    capital = first_word[:1].isupper()
    chars = list(a_text)
    for a0, a1, b0, b1 in blocks:
        if a0 == 0 and a1 == 0 and not _keeps_capital(first_word, proper):
            chars[a_spans[0][0]] = chars[a_spans[0][0]].lower()  # no longer the first word
        if a0 == 0 and b0 == b1 and a1 < n and capital:
            chars[a_spans[a1][0]] = chars[a_spans[a1][0]].upper()  # now the first word
    text = "".join(chars)
    pieces: list[str] = []
    cursor = 0
    for a0, a1, b0, b1 in sorted(blocks):
        new = b_text[b_spans[b0][0] : b_spans[b1 - 1][1]] if b1 > b0 else ""
        if new:
            word = b_text[b_spans[b0][0] : b_spans[b0][1]]
            if a0 > 0 and b0 == 0 and not _keeps_capital(word, proper):
                new = new[:1].lower() + new[1:]
            elif a0 == 0 and capital:
                new = new[:1].upper() + new[1:]
        if a1 > a0 and new:
            cut0, cut1 = a_spans[a0][0], a_spans[a1 - 1][1]
        elif a1 > a0 and a1 < n:
            cut0, cut1 = a_spans[a0][0], a_spans[a1][0]
        elif a1 > a0:
            cut0, cut1 = a_spans[a0 - 1][1], a_spans[a1 - 1][1]
        elif a0 == 0:
            cut0 = cut1 = a_spans[0][0]
            new += " "
        else:  # right after the word before, so that its punctuation follows the insertion
            cut0 = cut1 = a_spans[a0 - 1][1]
            new = " " + new
        if cut0 < cursor:
            return ""  # overlapping edits: give this mixture up
        pieces.append(text[cursor:cut0])
        pieces.append(new)
        cursor = cut1
    pieces.append(text[cursor:])
    return "".join(pieces)


def _dependent_block(a_words: Sequence[str], b_words: Sequence[str], lang: str) -> bool:
    """'las'/'los', 'eat'/'eating', 'que voy'/'yendo': another form of a word on the other side.

    Such a difference follows some other change, so the block never mixes on its own.
    """
    a_toks = _tokens(a_words, lang)
    b_toks = _tokens(b_words, lang)
    if len(a_toks) * len(b_toks) > 36:
        return False
    for x in a_toks:
        for y in b_toks:
            if _classify(x, y, lang, False) in ("agreement", "verb_form"):
                return True
    return False


def _diff_blocks(a_keys: Sequence[str], b_keys: Sequence[str], lang: str) -> list[_Block]:
    blocks: list[_Block] = []
    matcher = SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        size = a1 - a0
        if (
            tag == "replace"
            and size == b1 - b0 > 1
            and _splittable(a_keys[a0:a1], b_keys[b0:b1], lang)
        ):
            # "along very" / "on really": word by word, but a preposition stays with the word
            # before it ("get to" / "arrive at").
            start = 0
            for k in range(1, size + 1):
                if k == size or (
                    a_keys[a0 + k] not in _PREPOSITIONS and b_keys[b0 + k] not in _PREPOSITIONS
                ):
                    blocks.append((a0 + start, a0 + k, b0 + start, b0 + k))
                    start = k
        else:
            blocks.append((a0, a1, b0, b1))
    return blocks


def _splittable(a_words: Sequence[str], b_words: Sequence[str], lang: str) -> bool:
    """Word-for-word substitutions of the same kind ("city center" / "town centre"), not a
    reworded phrase ("otra vez" / "de nuevo", "very much" / "a lot", "I'd like" / "I want")."""
    for x, y in zip(a_words, b_words, strict=True):
        if "'" in x or "'" in y:
            return False
        kind = _word_class(x, lang)
        if kind == "other" or kind != _word_class(y, lang):
            return False
    return True


def _block_groups(
    blocks: Sequence[_Block],
    a_words: Sequence[str],
    b_words: Sequence[str],
    a_keys: Sequence[str],
    b_keys: Sequence[str],
    lang: str,
) -> list[list[int]]:
    """Blocks that must change together.

    Moved words (a word, or another form of it, leaves one block and turns up in another);
    agreement, verb-form and auxiliary differences (they follow some other change); one-sided
    blocks with meaning ("in a hurry" for "rush": linked with each other, or with everything
    when alone); a lone article or small word (it goes with the change next to it).
    """
    parent = list(range(len(blocks)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        parent[find(x)] = find(y)

    def gap(x: int, y: int) -> int:
        (x0, x1, _, _), (y0, y1, _, _) = blocks[x], blocks[y]
        return max(y0 - x1, x0 - y1, 0)

    auxiliaries = _AUXILIARIES.get(lang, frozenset()) | _MODALS
    a_toks = [_tokens(a_words[a0:a1], lang) for a0, a1, _b0, _b1 in blocks]
    b_toks = [_tokens(b_words[b0:b1], lang) for _a0, _a1, b0, b1 in blocks]
    content = [
        [_word_class(w, lang) == "content" for w in (*a_keys[a0:a1], *b_keys[b0:b1])]
        for a0, a1, b0, b1 in blocks
    ]
    one_sided: list[int] = []
    for x, (a0, a1, b0, b1) in enumerate(blocks):
        for y in range(len(blocks)):
            if x != y and _related(a_toks[x], b_toks[y], lang):
                union(x, y)
        a_side, b_side = a_keys[a0:a1], b_keys[b0:b1]
        dependent = (
            _dependent_block(a_words[a0:a1], b_words[b0:b1], lang)
            or (a_side and b_side and all(w in auxiliaries for w in (*a_side, *b_side)))
            or (a_side and b_side and all(w in _PRONOUNS for w in (*a_side, *b_side)))
        )
        if dependent:  # "is that OK" / "does that work", "they refund" / "you get"
            for y in range(len(blocks)):
                union(y, x)
        if a_side and b_side:
            if all(w in _PREPOSITIONS for w in (*a_side, *b_side)):
                # "¿A qué te dedicas?" / "¿En qué trabajas?": the preposition goes with the
                # word that governs it.
                near = [
                    y for y in range(len(blocks)) if y != x and gap(x, y) <= 2 and any(content[y])
                ]
                for y in near:
                    union(x, y)
            continue
        side = a_side or b_side
        if any(_content_word(w, lang) for w in side):
            one_sided.append(x)
        elif len(blocks) > 1:
            nearest = min((y for y in range(len(blocks)) if y != x), key=lambda y: gap(x, y))
            if gap(x, nearest) <= 2 or all(w in _ARTICLES for w in side):
                union(x, nearest)
    if len(one_sided) == 1:
        for y in range(len(blocks)):
            union(y, one_sided[0])
    for x in one_sided[1:]:
        union(x, one_sided[0])
    groups: dict[int, list[int]] = {}
    for x in range(len(blocks)):
        groups.setdefault(find(x), []).append(x)
    return sorted(groups.values())


def _related(a_toks: Sequence[_Tok], b_toks: Sequence[_Tok], lang: str) -> bool:
    """A word of one block turns up, maybe in another form, in another block."""
    for x in a_toks:
        for y in b_toks:
            if x.fold.split("'")[0] == y.fold.split("'")[0]:  # "night" / "night's"
                return True
            if len(x.fold) >= 3 and _classify(x, y, lang, False) in (
                "missing_accent",
                "agreement",
                "verb_form",
                "misspelling",
            ):
                return True
    return False


def _mixtures(
    a: tuple[str, list[tuple[int, int]]],
    b: tuple[str, list[tuple[int, int]]],
    lang: str,
    limit: int,
) -> list[tuple[int, str]]:
    """Mixtures of two accepted translations: (number of swapped groups, text)."""
    a_text, a_spans = a
    b_text, b_spans = b
    if not a_spans or not b_spans:
        return []
    a_words = [a_text[s:e] for s, e in a_spans]
    b_words = [b_text[s:e] for s, e in b_spans]
    a_keys = [_fold(w.lower()) for w in a_words]
    b_keys = [_fold(w.lower()) for w in b_words]
    blocks = _diff_blocks(a_keys, b_keys, lang)
    if len(blocks) < 2:
        return []
    ordered = _block_groups(blocks, a_words, b_words, a_keys, b_keys, lang)
    k = len(ordered)
    if k < 2:
        return []
    proper = frozenset(w for words in (a_words, b_words) for w in words[1:] if w[:1].isupper())
    shortest, longest = sorted((len(a_words), len(b_words)))
    least_content = min(_content_count(a_words, lang), _content_count(b_words, lang))
    out: list[tuple[int, str]] = []
    for size in range(1, k // 2 + 1):
        for chosen in combinations(range(k), size):
            rest = [g for g in range(k) if g not in chosen]
            for picked in (chosen, rest):
                swapped = [blocks[x] for g in picked for x in ordered[g]]
                text = _splice(a, b, swapped, proper)
                # A mixture much longer or shorter than both translations, or with fewer words
                # that carry meaning, lost or doubled something ("When I was afraid of the
                # dark", "Did you see last night?").
                words = _reference(text, lang)[1] if text else ()
                if (
                    words
                    and shortest - 1 <= len(words) <= longest + 1
                    and _content_count(words, lang) >= least_content
                ):
                    out.append((size, text))
            if len(out) >= limit:
                return out
    return out


@lru_cache(maxsize=1024)
def _variants(refs: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """Extra references: mixtures of the accepted translations and equivalent word orders.

    Bounded (at most _MAX_VARIANTS) and deterministic; cached per references tuple.
    """
    seen = {_fold_key(r, lang) for r in refs}
    found: list[str] = []

    def add(text: str) -> None:
        key = _fold_key(text, lang)
        if key and key not in seen and len(found) < _MAX_VARIANTS:
            seen.add(key)
            found.append(text)

    if lang == "es":
        for ref in refs:
            for text in _es_negation_variants(ref):
                add(text)
    parsed = [_word_spans(r) for r in refs]
    mixed: list[tuple[int, int, int, str]] = []
    pair = 0
    for i in range(len(refs)):
        for j in range(i + 1, len(refs)):
            for order, (size, text) in enumerate(
                _mixtures(parsed[i], parsed[j], lang, 2 * _MAX_VARIANTS)
            ):
                mixed.append((size, order, pair, text))
            pair += 1
    for _size, _order, _pair, text in sorted(mixed, key=lambda m: m[:3]):
        add(text)
    return tuple(found)
