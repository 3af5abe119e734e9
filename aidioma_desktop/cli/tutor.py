"""`aidioma tutor`: a conversation with the AI tutor, turns from standard input."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..domain.errors import AppError
from ..services.session import Learner

if TYPE_CHECKING:  # sync brings httpx, pydantic and keyring: imported only by cmd_sync
    pass
from .common import Style, _ask
from .learning import show_grade


def cmd_tutor(learner: Learner, args: argparse.Namespace) -> int:
    """A conversation in the terminal: the learner's turns from standard input, one per line,
    until end of input or /end; each reply and its feedback printed; then the summary."""
    from ..services import ai_settings
    from ..services.tutor import TutorService

    out = Style(sys.stdout)
    settings = ai_settings.load(learner)
    if args.provider or args.url or args.model:  # this run only: Settings stay as they are
        kind = args.provider or settings.kind or "ollama"
        settings = ai_settings.AiSettings(
            kind=kind,
            url=args.url or (settings.url if kind == settings.kind else ""),
            model=args.model or (settings.model if kind == settings.kind else ""),
            allow_insecure=args.insecure or settings.allow_insecure,
        )
        if not settings.model:
            raise AppError("Name the model with --model (for Ollama: `ollama list` shows yours).")
    provider = None if args.guided else ai_settings.provider(settings)
    tutor = TutorService(learner, provider)
    if args.scenario == "list":
        for sc in tutor.scenarios():
            print(f"{sc.id:26} {sc.name[tutor.speaks]}")
        return 0
    if provider is not None and ai_settings.needs_consent(learner, provider):
        question = ai_settings.consent_question(provider)
        if not args.allow_cloud:
            if not sys.stdin.isatty():
                raise AppError(f"{question} Run again with --allow-cloud to agree.")
            if _ask(f"{question} [y/N] ").strip().lower() not in ("y", "yes", "s", "si", "sí"):
                return 1
        ai_settings.give_consent(learner, provider)
    conversation = tutor.start(args.scenario, args.level)
    if provider is None:
        print(out.dim("No AI model is set up: a guided dialogue. (docs/tutor.md: connect Ollama.)"))
    print(out.bold(conversation.opening()))
    if conversation.guided:
        print(out.dim("→ " + conversation.task()))
    try:
        for line in sys.stdin:
            text = line.strip()
            if not text:
                continue
            if text.lower() in ("/end", "/quit", "/fin"):
                break
            if text.lower() in ("/hint", "/pista"):
                print(out.dim(conversation.hint()))
                continue
            if conversation.guided:
                if not _guided_turn(conversation, text, out):
                    break
                continue
            result = conversation.send(text, on_text=lambda t: print(t, end="", flush=True))
            print()
            _print_feedback(result.reply, out)
            if result.budget_reached:
                print(out.yellow("This month's AI budget is reached: the conversation ends."))
                break
    finally:
        summary = conversation.end()
    _print_summary(summary, out)
    return 0


def _guided_turn(conversation: Any, text: str, out: Style) -> bool:
    """One answer of the guided dialogue; False once the script is done."""
    result = conversation.answer(text)
    show_grade(result.grade, out)
    if not result.moved_on:
        print(out.dim("→ " + conversation.task() + "  (/hint for a start)"))
        return True
    if result.next_line is None:
        return False
    print(out.bold(result.next_line))
    print(out.dim("→ " + conversation.task()))
    return True


def _print_feedback(reply: Any, out: Style) -> None:
    for c in reply.corrections:
        print(out.yellow(f"  ✎ {c.wrong} → {c.right}") + out.dim(f"  ({c.kind}) {c.reason}"))
    for w in reply.new_words:
        print(out.dim(f"  + {w.word}: {w.translation}"))
    if reply.goals_met:
        print(out.green("  ✓ goals: " + ", ".join(str(g + 1) for g in reply.goals_met)))


def _print_summary(summary: Any, out: Style) -> None:
    print(out.bold(f"Conversation over: {summary.turns} turns."))
    if summary.text:
        print(summary.text)
    for n, goal in enumerate(summary.goals):
        mark = out.green("✓") if n in summary.goals_met else "·"
        print(f"  {mark} {goal}")
    for wrong, right, why in summary.corrections[:5]:
        print(out.yellow(f"  ✎ {wrong}" + (f" → {right}" if right else "")) + out.dim(f" {why}"))
    if summary.rubric is not None:
        r = summary.rubric
        print(
            out.dim(
                f"  accuracy {r.accuracy}/5 · vocabulary {r.vocabulary}/5 · "
                f"fluency {r.fluency}/5 · task {r.task}/5"
            )
        )
    if summary.tokens:
        print(out.dim(f"  {summary.tokens:,} tokens · ${summary.cost_usd:.4f}"))
