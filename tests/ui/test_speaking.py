"""Speak, through the real capture path: Qt Multimedia records from a virtual microphone (a
PulseAudio server of the test's own, its null sink's sound remapped as a source) into which
espeak-ng says the sentence; the WAV goes to a stand-in transcription server on 127.0.0.1.

These machines have no microphone and no sound card: this is how the recording is proved to
carry sound. Needs `pulseaudio`, `pactl`, `paplay` and `espeak-ng` (Debian's pulseaudio and
espeak-ng packages; `.ci/run` installs them); without them the capture tests are skipped.
"""

from __future__ import annotations

import array
import io
import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from aidioma_desktop.services import ai_settings
from aidioma_desktop.services.ai_settings import AiSettings
from aidioma_desktop.services.speaking import NEEDS_ENDPOINT
from tests.ai.standin import StandIn
from tests.ui.conftest import WAIT_MS
from tests.ui.test_practice_unsure import SENTENCE, open_practice
from tests.ui.test_tutor import on_worker, open_tutor, scenario, start, talking

TOOLS = ("pulseaudio", "pactl", "paplay", "espeak-ng")


@pytest.fixture(scope="module")
def microphone() -> Iterator[None]:
    """A PulseAudio server for this test module only, whose default source is a virtual
    microphone: what `say` plays into its null sink."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt-get install pulseaudio espeak-ng)")
    runtime = Path(tempfile.mkdtemp(prefix="aidioma-pulse-"))
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)}
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "-n",  # no default.pa: no real sound card is looked for
            "--load=module-native-protocol-unix auth-anonymous=1",
            "--load=module-null-sink sink_name=speakers",
            "--load=module-remap-source master=speakers.monitor source_name=microphone "
            "source_properties=device.description=Microphone",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    for command in (["set-default-sink", "speakers"], ["set-default-source", "microphone"]):
        subprocess.run(["pactl", *command], env=env, check=True, capture_output=True)
    saved = {k: os.environ.get(k) for k in ("PULSE_SERVER", "XDG_RUNTIME_DIR")}
    os.environ["PULSE_SERVER"] = f"unix:{runtime}/pulse/native"  # read by Qt's first use
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    yield
    subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    shutil.rmtree(runtime, ignore_errors=True)


def say(qtbot, text: str, voice: str) -> float:
    """espeak-ng says `text` into the virtual microphone, while the app's event loop runs (it
    takes the sound in as it comes); returns how many seconds it took."""
    spoken = subprocess.run(
        ["espeak-ng", "-v", voice, "--stdout", text], check=True, capture_output=True
    ).stdout
    with wave.open(io.BytesIO(spoken)) as w:  # streamed: its header's length is a guess
        frames = len(w.readframes(w.getnframes())) / (w.getsampwidth() * w.getnchannels())
        seconds = frames / w.getframerate()
    with tempfile.NamedTemporaryFile(suffix=".wav") as file:
        file.write(spoken)
        file.flush()
        player = subprocess.Popen(["paplay", file.name])
        qtbot.waitUntil(lambda: player.poll() is not None, timeout=WAIT_MS)
    assert player.returncode == 0
    return seconds


def loudest(recording: bytes) -> int:
    """The peak of a 16-bit WAV's samples: 0 for silence."""
    with wave.open(io.BytesIO(recording)) as w:
        assert w.getsampwidth() == 2
        samples = array.array("h", w.readframes(w.getnframes()))
    return max((abs(s) for s in samples), default=0)


def use_speech(harness, server: StandIn) -> None:
    learner = harness.window.ctx.learner
    settings = AiSettings(speech_url=server.url + "/v1")
    on_worker(harness, lambda: ai_settings.save(learner, settings))


def record(qtbot, button, text: str, voice: str) -> None:
    """Press Speak, say `text`, press Stop once the recording holds all of it."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.recorder.recording, timeout=WAIT_MS)
    seconds = say(qtbot, text, voice)
    wanted = int(seconds * 16_000 * 2 * 0.9)  # 16-bit mono at 16 kHz (what was asked for)
    qtbot.waitUntil(lambda: button.recorder.size >= wanted, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_speaking_a_translation_in_practice(harness, qtbot, make_profile, microphone, server):
    window, page = open_practice(harness, make_profile)  # daily_life.001, Spanish → English
    use_speech(harness, server)
    server.transcript = "I get up at seven"
    record(qtbot, page.speak, "I get up at seven every day", "en")
    qtbot.waitUntil(lambda: page.speech_note.isVisible(), timeout=WAIT_MS)

    audio, fields = server.audio[-1]
    assert fields["language"] == "en"
    assert loudest(audio) > 2_000  # the voice, not silence
    assert page.answer.text() == "I get up at seven"  # said instead of typed: ready to check
    assert page.speech_note.text() == (
        "Pronunciation: 71 % of the words heard. Not heard: every, day"
    )
    assert page.speak.text() == "● Speak" and page.speak.isEnabled()
    learner = window.ctx.learner
    events = on_worker(harness, lambda: list(learner.db.events()))
    (feedback,) = [e for e in events if e.kind == "feedback.recorded"]
    assert feedback.payload == {
        "feedback_type": "pronunciation",
        "score": 0.71,
        "suggestions": ["every", "day"],
        "content_id": SENTENCE,
    }


def test_speaking_a_turn_of_a_guided_dialogue(harness, qtbot, make_profile, microphone, server):
    make_profile("Ana")
    harness.start("Ana")
    use_speech(harness, server)
    page = open_tutor(harness, qtbot)
    start(qtbot, page)
    talking(qtbot, page)
    expected = scenario().guided[0].accept[0]
    server.transcript = expected
    record(qtbot, page.speak, expected, "es")
    qtbot.waitUntil(lambda: page.input.text() == expected, timeout=WAIT_MS)
    assert loudest(server.audio[-1][0]) > 2_000
    assert server.audio[-1][1]["language"] == "es"
    assert page.hint.text() == "Pronunciation: 100 % of the words heard."


def test_with_no_transcription_service_speak_says_what_it_needs(harness, qtbot, make_profile):
    _window, page = open_practice(harness, make_profile)
    qtbot.mouseClick(page.speak, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=WAIT_MS)
    assert page.error.text() == NEEDS_ENDPOINT
    assert not page.speak.recorder.recording and page.speak.text() == "● Speak"


def test_settings_keep_the_transcription_service(harness, qtbot, make_profile, server):
    make_profile("Ana")
    window = harness.start("Ana")
    window.shell.show_page(4)
    settings = window.shell.settings
    box = settings.ai_box
    harness.idle()
    assert box.speech_url.isEnabled()  # speaking needs no chat model

    box.speech_url.setText("http://192.168.1.20:8080/v1")  # another computer, plain http
    qtbot.mouseClick(settings.save, Qt.MouseButton.LeftButton)
    assert settings.status.text().startswith("Speech to text: ")
    assert "unencrypted" in settings.status.text() or "insecure" in settings.status.text()

    box.speech_url.setText(server.url + "/v1")
    box.speech_model.setText("large-v3")
    qtbot.mouseClick(settings.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: settings.status.text() == "Saved.", timeout=WAIT_MS)
    learner = window.ctx.learner
    saved = on_worker(harness, lambda: ai_settings.load(learner))
    assert (saved.kind, saved.speech_url, saved.speech_model) == (
        "",
        server.url + "/v1",
        "large-v3",
    )


def test_a_recording_is_about_the_sentence_it_was_said_for(harness, qtbot, make_profile, server):
    """Skip while the recording is being written down: its score is kept for the sentence it
    was said for, and nothing of it lands on the next sentence."""
    window, page = open_practice(harness, make_profile)
    use_speech(harness, server)
    server.transcript = "I get up at seven"
    page.speak._transcriber = ai_settings.transcriber(AiSettings(speech_url=server.url + "/v1"))
    said = page.item
    page.speak._recorded(spoken_wav())  # as the recorder hands it over when Stop is pressed
    qtbot.mouseClick(page.skip, Qt.MouseButton.LeftButton)  # before the answer comes back
    learner = window.ctx.learner

    def feedback() -> list:
        return [e for e in learner.db.events() if e.kind == "feedback.recorded"]

    qtbot.waitUntil(lambda: bool(on_worker(harness, feedback)), timeout=WAIT_MS)
    (event,) = on_worker(harness, feedback)
    assert event.payload["content_id"] == said.sentence.id
    qtbot.waitUntil(lambda: page.item is not said, timeout=WAIT_MS)
    harness.idle()
    assert page.answer.text() == "" and not page.speech_note.isVisible()
    assert page.speak.text() == "● Speak" and page.speak.isEnabled()


def spoken_wav() -> bytes:
    """A second of a tone as 16 kHz mono WAV (what the recorder makes of a voice)."""
    import math
    import struct

    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / 16_000)))
        for n in range(16_000)
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(frames)
    return out.getvalue()
