"""Model providers for the tutor: a local Ollama, any OpenAI-compatible endpoint, Anthropic.

    provider = make_provider("ollama", "http://127.0.0.1:11434", "llama3.2")
    result = provider.chat(ChatRequest([ChatMessage("user", "Hola")], system="..."),
                           on_text=show, cancelled=stop_pressed)

Why httpx and no SDK: the official SDKs (openai, anthropic, ollama) add megabytes to the
installer and each brings its own retry, timeout and streaming layer, so the three providers
would fail, time out and stop in three different ways. Three small wire formats over one httpx
client keep timeouts, cancellation, retries and the person's error messages the same for all
three (see `http.py`), and there is nothing else to update when a provider changes its SDK.

Layout: `base.py` the types, errors, timeouts, retry policy and the address rule (no httpx);
`http.py` the shared streaming, retries and error wording; `ollama.py`, `openai_compat.py`,
`anthropic.py` one wire format each (`sse.py` the event-stream lines two of them share).
"""

from __future__ import annotations

from typing import Literal, Protocol

from .anthropic import AnthropicProvider
from .base import (
    CancelCheck,
    ChatMessage,
    ChatRequest,
    ChatResult,
    ErrorKind,
    ProviderError,
    RetryPolicy,
    TextCallback,
    Timeouts,
)
from .http import HttpProvider
from .ollama import OllamaFound, OllamaProvider, detect_ollama
from .openai_compat import OpenAICompatProvider

__all__ = [
    "AnthropicProvider",
    "ChatMessage",
    "ChatRequest",
    "ChatResult",
    "ErrorKind",
    "OllamaFound",
    "OllamaProvider",
    "OpenAICompatProvider",
    "Provider",
    "ProviderError",
    "ProviderKind",
    "RetryPolicy",
    "Timeouts",
    "detect_ollama",
    "make_provider",
]

ProviderKind = Literal["ollama", "openai", "anthropic"]


class Provider(Protocol):
    """What the tutor service needs of a provider (all three classes have it)."""

    url: str
    model: str

    @property
    def kind(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def is_local(self) -> bool: ...

    @property
    def is_cloud(self) -> bool: ...

    def chat(
        self,
        request: ChatRequest,
        on_text: TextCallback | None = None,
        cancelled: CancelCheck = ...,
    ) -> ChatResult: ...

    def models(self) -> list[str]: ...

    def close(self) -> None: ...


_CLASSES: dict[str, type[HttpProvider]] = {
    "ollama": OllamaProvider,
    "openai": OpenAICompatProvider,
    "anthropic": AnthropicProvider,
}


def make_provider(
    kind: ProviderKind,
    url: str,
    model: str,
    key: str | None = None,
    allow_insecure: bool = False,
    *,
    timeouts: Timeouts | None = None,
    retry: RetryPolicy | None = None,
) -> Provider:
    """The provider of `kind` at `url` (empty: its usual address). `key` comes from the OS
    keyring and is only ever sent to `url`. Raises ProviderError for an address that is not
    one, or plain http to another computer without `allow_insecure`."""
    try:
        cls = _CLASSES[kind]
    except KeyError:
        raise ProviderError(
            ErrorKind.ADDRESS, f"Unknown kind of model provider: {kind!r}."
        ) from None
    return cls(url, model, key, allow_insecure, timeouts=timeouts, retry=retry)
