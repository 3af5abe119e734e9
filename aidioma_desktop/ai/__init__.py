"""Model providers for the tutor (see `providers.py`); the tutor's turns window, usage ledger
and grading cache will join them here. Import from `aidioma_desktop.ai.providers`, or the
types alone from `aidioma_desktop.ai.base` (which does not load httpx)."""
