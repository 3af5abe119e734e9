"""What a model answers the tutor in these tests: a turn's structured feedback and the end's
summary, as the schemas in aidioma_desktop/ai/tutor.py ask for them."""

from __future__ import annotations

FEEDBACK = {
    "reply": "¡Claro! Un café con leche. ¿Quiere algo de comer? Tenemos tostadas.",
    "corrections": [
        {"wrong": "un cafe", "right": "un café", "kind": "accent", "reason": "café lleva tilde"}
    ],
    "new_words": [{"word": "tostada", "translation": "toast"}],
    "goals_met": [0, 1],
}
SUMMARY = {
    "summary": "You greeted the waiter and ordered well.",
    "review": ["café, with its accent"],
    "rubric": {"accuracy": 4, "vocabulary": 3, "fluency": 4, "task": 3},
}
