"""Which model the tutor uses on this computer: the provider, its address, the model, and
whether plain http to another computer is allowed. Kept per device (a local Ollama is this
laptop's), in the profile's local meta; the key only in the OS keyring, never in a file.

The person is told once per provider, and asked, before the first of their words goes to a
cloud service (`needs_consent`, `give_consent`).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from ..ai.base import ProviderError, Secret, check_url
from ..ai.providers import Provider, make_provider
from ..ai.transcribe import DEFAULT_MODEL, Transcriber
from ..store.secrets import SecretStore
from .session import Learner

META_KEY = "ai.provider"
KINDS = ("ollama", "openai", "anthropic")
DEFAULT_SPEECH_MODEL = DEFAULT_MODEL  # speech to text when none is set (Settings shows it)
DEFAULT_URLS = {
    "ollama": "http://127.0.0.1:11434",
    "openai": "https://api.openai.com/v1",
    "anthropic": "https://api.anthropic.com",
}
KEY_ENV = "AIDIOMA_API_KEY"  # the terminal's key, where the keyring has none
_SECRETS: list[SecretStore] = []


def secrets() -> SecretStore:
    """The keyring's AI keys, looked for on first use (not at import: a keyring set up later,
    as a test's, counts)."""
    if not _SECRETS:
        _SECRETS.append(SecretStore("AIdioma AI"))
    return _SECRETS[0]


@dataclass(frozen=True, slots=True)
class AiSettings:
    kind: str = ""  # "" : no model (the guided dialogues only)
    url: str = ""
    model: str = ""
    allow_insecure: bool = False
    speech_url: str = ""  # an OpenAI-compatible transcription service; "": no speaking
    speech_model: str = ""

    @property
    def configured(self) -> bool:
        return self.kind in KINDS and bool(self.model)

    @property
    def key_account(self) -> str:
        return f"{self.kind} {urlsplit(self.url or DEFAULT_URLS.get(self.kind, '')).netloc}"


def load(learner: Learner) -> AiSettings:
    raw = learner.db.meta(META_KEY)
    if not raw:
        return AiSettings()
    try:
        data = json.loads(raw)
        return AiSettings(
            kind=str(data.get("kind", "")),
            url=str(data.get("url", "")),
            model=str(data.get("model", "")),
            allow_insecure=bool(data.get("allow_insecure", False)),
            speech_url=str(data.get("speech_url", "")),
            speech_model=str(data.get("speech_model", "")),
        )
    except (ValueError, AttributeError):
        return AiSettings()  # a damaged entry: as if none was set


def save(learner: Learner, settings: AiSettings, key: str | None = None) -> None:
    """Keep the settings (and a new key in the keyring; None leaves the stored one)."""
    learner.db.set_meta(META_KEY, json.dumps(asdict(settings)))
    if key:
        secrets().set(settings.key_account, key)


def key_for(settings: AiSettings) -> str | None:
    return secrets().get(settings.key_account) or os.environ.get(KEY_ENV) or None


def provider(settings: AiSettings) -> Provider | None:
    """The provider the settings name, or None with no model set up. Raises ProviderError for
    an address that is refused (plain http to another computer without the tick)."""
    if not settings.configured:
        return None
    return make_provider(
        settings.kind,  # type: ignore[arg-type]
        settings.url or DEFAULT_URLS[settings.kind],
        settings.model,
        key_for(settings),
        settings.allow_insecure,
    )


def transcriber(settings: AiSettings) -> Transcriber | None:
    """The transcription service the settings name, or None with none set. Its key: the chat
    provider's where both are the same host (OpenAI), else none (a whisper.cpp server on this
    computer needs none). Raises ProviderError for a refused address, as `provider` does."""
    if not settings.speech_url:
        return None
    host = urlsplit(settings.speech_url).netloc
    chat_host = urlsplit(settings.url or DEFAULT_URLS.get(settings.kind, "")).netloc
    same = settings.configured and host == chat_host
    key = key_for(settings) if same else None  # a key goes only to the host it is for
    return Transcriber(
        settings.speech_url,
        settings.speech_model or DEFAULT_SPEECH_MODEL,
        Secret(key) if key else None,
        settings.allow_insecure,
    )


def speech_address_problem(settings: AiSettings) -> str:
    """Why the transcription service's address is refused, or "" (none set counts as fine).
    The address only: no keyring is read (the form asks on the UI thread)."""
    try:
        if settings.speech_url:
            check_url(settings.speech_url, settings.allow_insecure)
    except ProviderError as exc:
        return str(exc)
    return ""


def _consent_key(p: Provider | Transcriber) -> str:
    return f"ai.consent {p.kind} {urlsplit(p.url).netloc}"


def needs_consent(learner: Learner, p: Provider | Transcriber) -> bool:
    """Whether the person has not yet agreed to send their words (or voice) to this cloud
    service."""
    return p.is_cloud and learner.db.meta(_consent_key(p)) != "yes"


def give_consent(learner: Learner, p: Provider | Transcriber) -> None:
    learner.db.set_meta(_consent_key(p), "yes")


def speech_consent_question(t: Transcriber) -> str:
    host = urlsplit(t.url).netloc or t.url
    return (
        f"What you say when you press Speak will be recorded and sent to the transcription "
        f"service at {host}, which is not on this computer, to be written down. The recording "
        "is not kept. Go on?"
    )


def consent_question(p: Provider) -> str:
    host = urlsplit(p.url).netloc or p.url
    return (
        f"The tutor will send what you write in its conversations (and passages of your "
        f"documents, when you talk about them) to {p.label} at {host}, which is not on this "
        "computer. Nothing else leaves it. Go on?"
    )
