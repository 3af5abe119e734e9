"""`aidioma practice`, `review`, `stats` and `grade`: learning from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from ..domain.errors import AppError
from ..domain.grading import Grade, grade
from ..domain.review import RATING_NAMES
from ..services import words
from ..services.practice import PracticeError, PracticeResult, PracticeService
from ..services.review import ReviewService
from ..services.session import Learner
from ..services.stats import StatsService

if TYPE_CHECKING:  # sync brings httpx, pydantic and keyring: imported only by cmd_sync
    pass
from .common import Style, _ask, plural


def cmd_practice(learner: Learner, args: argparse.Namespace) -> int:
    out = Style(sys.stdout)
    practice = PracticeService(learner)
    level = args.level or learner.settings()["level"]
    titles = learner.library.categories
    print(out.dim("Type your translation and press Enter.  ? = hint   s = skip   q = stop"))
    done = skipped = hints_total = 0
    scores: list[int] = []
    # An unsure result the person may still accept: `r` at the next prompt ("I was right").
    unsure: PracticeResult | None = None
    while done < max(1, args.count):
        item = practice.next_item(level, args.category, args.direction)
        if item is None:
            print("No sentences match those filters.")
            break
        target = "English" if item.direction.endswith("en") else "Spanish"
        category = (
            titles[item.sentence.category].title_en
            if item.sentence.category in titles
            else item.sentence.category
        )
        print("\n" + out.dim(f"{done + 1}/{args.count} · {category} · {item.sentence.level}"))
        print(f"Translate into {target}:  {out.bold(item.prompt)}")
        hints_used = 0
        started = time.monotonic()
        while True:
            answer = _ask("> ")
            command = answer.strip().lower()
            if command == "r" and unsure is not None:
                scores[-1] = _i_was_right(practice, unsure, out)
                unsure = None
                continue
            unsure = None
            if command == "q":
                _round_summary(scores, skipped, hints_total, out)
                return 0
            if command == "s":
                skipped += 1
                print(out.dim(f"Skipped. One answer: {item.references[0]}"))
                break
            if command == "?":
                if hints_used < len(item.hints):
                    hints_used += 1
                    print(
                        out.yellow(
                            f"Hint {hints_used}/{len(item.hints)}: {item.hints[hints_used - 1]}"
                        )
                    )
                else:
                    print(out.dim("No more hints."))
                continue
            try:
                result = practice.submit(
                    item, answer, hints_used, int((time.monotonic() - started) * 1000)
                )
            except PracticeError as exc:
                print(out.yellow(str(exc)))
                continue
            show_grade(result.grade, out)
            note = (
                f" (with {plural(hints_used, 'hint', 'hints')}, so it counts as Hard)"
                if hints_used and result.grade.verdict == "correct"
                else ""
            )
            print(out.dim(f"Comes back {result.next_due}{note}."))
            if result.unsure:
                print(out.dim("If you were right, type r at the next prompt."))
                unsure = result
            scores.append(result.grade.score)
            hints_total += hints_used
            done += 1
            break
    if unsure is not None and _ask("r = I was right, Enter = finish > ").strip().lower() == "r":
        scores[-1] = _i_was_right(practice, unsure, out)
    _round_summary(scores, skipped, hints_total, out)
    return 0


def _i_was_right(practice: PracticeService, result: PracticeResult, out: Style) -> int:
    """Record that an unsure answer was right; its score as it now counts."""
    counted = practice.accept_answer(result)
    print(out.green("Counted as correct. This answer is accepted from now on."))
    return counted.score


def show_grade(g: Grade, out: Style) -> None:
    label = {
        "correct": out.green("✓ Correct"),
        "almost": out.yellow("≈ Almost"),
        "wrong": out.red("✗ Not quite"),
    }
    if g.unsure:  # a rewording the grader cannot judge: not "wrong" in so many words
        unsure = "? Not one of the answers I know; it may still be right."
        print(f"{out.yellow(unsure)} · {g.score}/100")
    else:
        print(f"{label[g.verdict]} · {g.score}/100" + (f"  {g.feedback}" if g.feedback else ""))
    if g.verdict != "correct" or any(m.status != "ok" for m in g.marks):
        paint: dict[str, Callable[[str], str]] = {
            "ok": str,
            "minor": out.yellow,
            "wrong": out.red,
            "extra": out.red,
        }
        marked = " ".join(
            paint[m.status](f"[{m.text}]" if m.status != "ok" and not out.on else m.text)
            for m in g.marks
        )
        print(f"  You wrote:  {marked}")
        if g.missing:
            print(f"  Missing:    {', '.join(g.missing)}")
    print(f"  Accepted:   {out.green(g.reference)}")


def _round_summary(scores: list[int], skipped: int, hints: int, out: Style) -> None:
    if not scores and not skipped:
        return
    parts = [plural(len(scores), "sentence", "sentences")]
    if scores:
        parts.append(f"average score {sum(scores) / len(scores):.0f}")
    if hints:
        parts.append(plural(hints, "hint", "hints"))
    if skipped:
        parts.append(f"{skipped} skipped")
    print(out.bold("\nRound done: " + ", ".join(parts) + "."))


def cmd_review(learner: Learner, args: argparse.Namespace) -> int:
    out = Style(sys.stdout)
    reviews = ReviewService(learner)
    queue = reviews.queue(args.limit)
    if not queue.cards:
        print("Nothing to review right now. Well done!")
        return 0
    print(
        f"{queue.due} due, {queue.new} new: "
        f"{plural(len(queue.cards), 'card', 'cards')} in this round."
    )
    print(
        out.dim(
            "Enter = show the answer, then rate 1 Again · 2 Hard · 3 Good · 4 Easy   (q = stop)"
        )
    )
    rated = 0
    for i, card in enumerate(queue.cards, 1):
        print(f"\n{out.dim(f'{i}/{len(queue.cards)}')}  {out.bold(card.front)}")
        started = time.monotonic()
        if _ask("  (Enter to show) ").strip().lower() == "q":
            break
        print(f"  {out.green(card.back)}")
        previews = reviews.previews(card)
        print("  " + "   ".join(f"{r} {RATING_NAMES[r]} ({previews[r]})" for r in RATING_NAMES))
        pick = ""
        while pick not in ("1", "2", "3", "4", "q"):
            pick = _ask("  Rate: ").strip().lower()
            if pick not in ("1", "2", "3", "4", "q"):
                print(out.dim("  Type 1, 2, 3 or 4."))
        if pick == "q":
            break
        reviews.rate(card, int(pick), int((time.monotonic() - started) * 1000))
        print(out.dim(f"  Comes back in {previews[int(pick)]}."))
        rated += 1
    else:
        print(out.bold("\nAll reviews done for now."))
        return 0
    print(
        out.bold(f"\nStopped: {plural(rated, 'card', 'cards')} reviewed. The rest waits for you.")
    )
    return 0


def _print_stats(learner: Learner, out: Style) -> None:
    d = StatsService(learner).dashboard()
    flame = "🔥" if d.streak.today_done else "·"
    print(
        f"\n{out.bold(learner.settings()['display_name'])}  "
        f"{flame} streak {plural(d.streak.current, 'day', 'days')} (best {d.streak.longest})"
        f"  ·  today {d.done_today}/{d.goal} sentences and cards{' ✓' if d.goal_met else ''}"
        f"  ·  {plural(d.reviews_due, 'review', 'reviews')} due"
        + (f" (+ {plural(d.new_cards, 'new card', 'new cards')})" if d.new_cards else "")
    )


def cmd_stats(learner: Learner, args: argparse.Namespace) -> int:
    d = StatsService(learner).dashboard()
    if args.json:
        print(
            json.dumps(
                {
                    "today": d.today.isoformat(),
                    "streak": d.streak.current,
                    "longest_streak": d.streak.longest,
                    "today_done": d.streak.today_done,
                    "goal": d.goal,
                    "done_today": d.done_today,
                    "minutes_today": round(d.minutes_today, 1),
                    "reviews_due": d.reviews_due,
                    "new_cards": d.new_cards,
                    "last_30_days": [
                        {
                            "day": s.day.isoformat(),
                            "items": s.items,
                            "minutes": round(s.minutes, 1),
                            "average_score": s.average_score,
                        }
                        for s in d.last_30
                    ],
                }
            )
        )
        return 0
    out = Style(sys.stdout)
    _print_stats(learner, out)
    recent = d.last_30[-14:]
    if not any(s.items for s in recent):  # not fourteen empty lines
        print("\nNothing practised or reviewed in the last 14 days: `aidioma practice` starts.")
        return 0
    print("\nLast 14 days (items):")
    for s in recent:
        bar = "█" * min(s.items, 40)
        print(f"  {s.day:%a %d %b}  {bar} {s.items or ''}")
    return 0


def grade_jsonl(source: str, out: TextIO) -> int:
    """Grade lines {"id","direction","source","references","answer"}; one result line each."""
    try:
        handle = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise AppError(f"Could not read {source}: {exc.strerror or exc}") from exc
    failures = 0
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                result = _grade_line(line, number)
                failures += "error" in result
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        except UnicodeDecodeError as exc:
            raise AppError(f"{source} is not UTF-8 text.") from exc
    return 1 if failures else 0


def _grade_line(line: str, number: int) -> dict[str, object]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {number}: not JSON ({exc.msg})"}
    if not isinstance(item, dict):
        return {"id": None, "error": f"line {number}: expected an object"}
    item_id = item.get("id")
    direction, refs, answer = item.get("direction"), item.get("references"), item.get("answer")
    if direction not in ("es-en", "en-es"):
        return {"id": item_id, "error": f"line {number}: direction must be es-en or en-es"}
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        return {
            "id": item_id,
            "error": f"line {number}: references must be a non-empty list of texts",
        }
    if not isinstance(answer, str):
        return {"id": item_id, "error": f"line {number}: answer must be text"}
    source = item.get("source")
    g = grade(
        answer,
        refs,
        direction.split("-")[1],
        source=source if isinstance(source, str) else None,
        zipf=words.zipf,
    )
    result: dict[str, object] = {
        "id": item_id,
        "verdict": g.verdict,
        "score": g.score,
        "errors": [e.to_dict() for e in g.errors],
    }
    if g.unsure:
        result["unsure"] = True  # "wrong" until the person or the tutor says otherwise
    return result
