"""What the desktop's Tutor page and Settings → AI provider need beyond the tutor service:
the tutor for this computer's model choice, a local Ollama found, a provider's models listed.

Here and not in the UI: the UI talks to services only, never to `ai/` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ai.providers import OllamaFound, Provider, ProviderError, detect_ollama, make_provider
from . import ai_settings
from .ai_settings import AiSettings
from .session import Learner
from .tutor import TutorService

__all__ = [
    "OllamaFound",
    "ProviderError",
    "TutorSetup",
    "find_ollama",
    "has_key",
    "list_models",
    "open_tutor",
]


@dataclass(frozen=True, slots=True)
class TutorSetup:
    """The tutor as this computer has it set up; `problem` says why the model cannot be used
    (an address refused), in which case the guided dialogues still run."""

    service: TutorService
    settings: AiSettings
    problem: str = ""

    @property
    def model_label(self) -> str:
        provider = self.service.provider
        return f"{provider.label} · {provider.model}" if provider is not None else ""


def open_tutor(learner: Learner) -> TutorSetup:
    """The tutor service for the learner with the model chosen in Settings (or none)."""
    settings = ai_settings.load(learner)
    try:
        provider = ai_settings.provider(settings)
    except ProviderError as exc:
        return TutorSetup(TutorService(learner, None), settings, exc.message)
    return TutorSetup(TutorService(learner, provider), settings)


def find_ollama(url: str = "") -> OllamaFound | None:
    """A local Ollama at `url` (empty: its usual address) and its models, or None."""
    return detect_ollama(url.strip() or ai_settings.DEFAULT_URLS["ollama"], timeout=1.5)


def list_models(settings: AiSettings, key: str | None = None) -> list[str]:
    """The models the provider in `settings` offers; `key` typed but not saved yet, else the
    keyring's. Raises ProviderError with a sentence for the person."""
    probe = AiSettings(settings.kind, settings.url, settings.model or "-", settings.allow_insecure)
    provider = ai_settings.provider(probe)
    if provider is None:
        return []
    if key:  # a key typed in Settings and not saved yet
        provider.close()
        provider = _with_key(probe, key)
    try:
        return provider.models()
    finally:
        provider.close()


def has_key(settings: AiSettings) -> bool:
    """Whether a key for this provider is in the keyring (or the environment)."""
    return bool(settings.kind) and ai_settings.key_for(settings) is not None


def _with_key(settings: AiSettings, key: str) -> Provider:
    return make_provider(
        settings.kind,  # type: ignore[arg-type]
        settings.url or ai_settings.DEFAULT_URLS[settings.kind],
        settings.model,
        key,
        settings.allow_insecure,
    )
