"""Speech to text for speaking practice: any OpenAI-compatible transcription endpoint
(`POST {base}/audio/transcriptions`, multipart: the audio file, the model, the language), as
whisper.cpp's server, faster-whisper-server and OpenAI serve it.

The recording is sent from memory and kept nowhere: the caller holds it as bytes and drops it.
Failures are ProviderError sentences, as for the chat providers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..net import is_loopback
from .base import ErrorKind, ProviderError, Secret, check_url, clip, scrub

DEFAULT_MODEL = "whisper-1"


@dataclass
class Transcriber:
    """One endpoint: `url` a base ending in /v1, as a person types it."""

    url: str
    model: str = DEFAULT_MODEL
    key: Secret | None = None
    allow_insecure: bool = False
    timeout_s: float = 60

    kind = "speech"  # for the consent asked once per service, as for the chat providers
    label = "the transcription service"

    def __post_init__(self) -> None:
        self.url = check_url(self.url, self.allow_insecure)

    @property
    def is_cloud(self) -> bool:
        from urllib.parse import urlsplit

        return not is_loopback(urlsplit(self.url).hostname or "")

    def transcribe(self, audio: bytes, language: str, filename: str = "speech.wav") -> str:
        """The words heard in `audio` (a WAV recording), in `language` ("es" or "en")."""
        import httpx

        headers = {"Authorization": f"Bearer {self.key.reveal()}"} if self.key else {}
        try:
            response = httpx.post(
                f"{self.url}/audio/transcriptions",
                headers=headers,
                files={"file": (filename, audio, "audio/wav")},
                data={"model": self.model, "language": language, "response_format": "json"},
                timeout=self.timeout_s,
            )
        except httpx.TimeoutException as exc:
            raise ProviderError(
                ErrorKind.TIMEOUT, f"The transcription service at {self.url} took too long."
            ) from exc
        except httpx.HTTPError as exc:
            raise ProviderError(
                ErrorKind.OFFLINE,
                f"Can't reach the transcription service at {self.url}. Is it running?",
            ) from exc
        secret = self.key.reveal() if self.key else None
        if response.status_code in (401, 403):
            raise ProviderError(
                ErrorKind.AUTH,
                f"The transcription service refused the key ({response.status_code}). Check "
                "it in Settings.",
                status=response.status_code,
            )
        if response.status_code == 404:
            raise ProviderError(
                ErrorKind.ADDRESS,
                f"{self.url} has no transcription endpoint (404): the address should end in "
                "/v1, e.g. http://127.0.0.1:8080/v1.",
                status=404,
            )
        if response.status_code >= 400:
            said = clip(scrub(response.text, secret))
            raise ProviderError(
                ErrorKind.DOWN if response.status_code >= 500 else ErrorKind.REFUSED,
                f"The transcription service answered {response.status_code}: {said}",
                status=response.status_code,
            )
        try:
            data = response.json()
        except json.JSONDecodeError:
            return response.text.strip()  # response_format text, as some servers answer
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise ProviderError(
                ErrorKind.PROTOCOL, "The transcription service answered in an unknown shape."
            )
        return text.strip()
