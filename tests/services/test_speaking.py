"""Speaking practice: a recording (in memory) goes to a transcription endpoint speaking
OpenAI's wire format (a stand-in on 127.0.0.1); the transcript is aligned with the accepted
sentence for a score and the missed words; only that feedback is kept."""

from __future__ import annotations

import io
import math
import struct
import wave
from dataclasses import replace

import pytest

from aidioma_desktop.ai.base import ProviderError, Secret
from aidioma_desktop.ai.transcribe import Transcriber
from aidioma_desktop.services import ai_settings
from aidioma_desktop.services.ai_settings import AiSettings
from aidioma_desktop.services.session import Learner
from aidioma_desktop.services.speaking import SpeakingError, SpeakingService, score_speech
from tests.ai.standin import StandIn

REFERENCES = ("Me levanto a las siete todos los días.", "Todos los días me levanto a las siete.")


def recording(seconds: float = 1.0) -> bytes:
    """A WAV of a tone, as a microphone would hand it over (16 kHz, mono, 16 bits)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        frames = int(16_000 * seconds)
        w.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / 16_000)))
                for n in range(frames)
            )
        )
    return out.getvalue()


STANDIN_KEY = "sk-speech"  # the stand-in's key (tests/conftest.py)


def test_a_recording_is_transcribed_scored_and_only_the_feedback_kept(
    server: StandIn, learner: Learner
) -> None:
    server.transcript = "me levanto a las siete los días"
    speaking = SpeakingService(learner, Transcriber(server.url + "/v1", key=Secret("sk-speech")))
    result = speaking.check(recording(), REFERENCES, "es", "daily_life.001")
    assert result.expected == REFERENCES[0]
    assert result.missed == ("todos",) and result.score == 88
    audio, fields = server.audio[-1]
    assert audio.startswith(b"RIFF") and fields["language"] == "es"
    (event,) = [e for e in learner.db.events() if e.kind == "feedback.recorded"]
    assert event.payload == {
        "feedback_type": "pronunciation",
        "score": 0.88,
        "suggestions": ["todos"],
        "content_id": "daily_life.001",
    }


def test_the_closest_accepted_sentence_is_the_one_scored() -> None:
    result = score_speech("todos los días me levanto a las siete", REFERENCES)
    assert result.expected == REFERENCES[1] and result.score == 100 and result.missed == ()


def test_with_no_endpoint_the_button_says_what_it_needs(learner: Learner) -> None:
    with pytest.raises(SpeakingError, match="transcription service"):
        SpeakingService(learner, None).check(recording(), REFERENCES, "es", None)


def test_a_wrong_key_and_an_empty_recording_are_said_in_words(
    server: StandIn, learner: Learner
) -> None:
    wrong = SpeakingService(learner, Transcriber(server.url + "/v1", key=Secret("sk-nope")))
    with pytest.raises(ProviderError, match="refused the key") as caught:
        wrong.check(recording(), REFERENCES, "es", None)
    assert "sk-nope" not in str(caught.value)
    with pytest.raises(SpeakingError, match="Nothing was recorded"):
        wrong.check(b"", REFERENCES, "es", None)
    assert not [e for e in learner.db.events() if e.kind == "feedback.recorded"]


def test_the_transcription_service_comes_from_the_settings_with_its_key(
    learner: Learner, memory_keyring: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ai_settings, "_SECRETS", [])
    monkeypatch.delenv(ai_settings.KEY_ENV, raising=False)
    assert ai_settings.transcriber(AiSettings()) is None  # none set: Speak says what it needs
    openai = AiSettings("openai", "https://api.openai.com/v1", "gpt-4o-mini")
    ai_settings.save(learner, openai, "sk-openai")
    same = ai_settings.transcriber(replace(openai, speech_url="https://api.openai.com/v1"))
    assert same is not None and same.key is not None and same.key.reveal() == "sk-openai"
    assert same.model == "whisper-1" and same.is_cloud
    local = ai_settings.transcriber(replace(openai, speech_url="127.0.0.1:8080/v1"))
    assert local is not None and local.key is None  # another service: not OpenAI's key
    assert local.url == "http://127.0.0.1:8080/v1" and not local.is_cloud

    # Before the first recording goes to a cloud service, the person is asked, once.
    assert ai_settings.needs_consent(learner, same)
    assert "api.openai.com" in ai_settings.speech_consent_question(same)
    ai_settings.give_consent(learner, same)
    assert not ai_settings.needs_consent(learner, same)
    assert not ai_settings.needs_consent(learner, local)


def test_nothing_heard_is_said_in_words(server: StandIn, learner: Learner) -> None:
    server.transcript = "  "
    speaking = SpeakingService(learner, Transcriber(server.url + "/v1", key=Secret("sk-speech")))
    with pytest.raises(SpeakingError, match="Nothing was heard"):
        speaking.transcribe(recording(), "en")
