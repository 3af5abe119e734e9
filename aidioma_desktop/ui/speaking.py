"""Speak: record from the microphone (Qt Multimedia) into memory, have the transcription
service write down what was said, and hand the words to the page (Practice, Tutor).

The recording never touches the disk: it is gathered in a QBuffer, wrapped as WAV in memory,
sent, and dropped. The transcription runs on the AI worker, never on the UI thread. Qt
Multimedia is imported on the first press, off the startup path; without the system's sound
libraries, or without a microphone, the button says so in words.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from ..services import ai_settings
from ..services.speaking import NEEDS_ENDPOINT, SpeakingError, SpeakingService
from .context import Context
from .tasks import TaskRunner, readable
from .widgets import ask_yes_no

MAX_SECONDS = 30  # a sentence, not a speech: the recording stops by itself
RATE = 16_000  # what speech recognisers work at; the sound system converts


class Recorder(QObject):
    """The default microphone, recorded into memory as 16-bit PCM."""

    finished = Signal(bytes)  # the recording as a WAV file's bytes
    failed = Signal(str)  # why nothing could be recorded, in words

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: Any = None  # QAudioSource while recording
        self._buffer: QBuffer | None = None
        self._format: tuple[int, int] = (RATE, 1)  # sample rate, channels
        self._limit = QTimer(self)
        self._limit.setSingleShot(True)
        self._limit.setInterval(MAX_SECONDS * 1000)
        self._limit.timeout.connect(self.stop)

    @property
    def recording(self) -> bool:
        return self._source is not None

    @property
    def size(self) -> int:
        """Bytes recorded so far."""
        return self._buffer.size() if self._buffer is not None else 0

    def start(self) -> bool:
        """Start recording; False (and `failed`) where it cannot."""
        try:
            from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices, QtAudio
        except ImportError:  # libpulse (PulseAudio, or PipeWire's pulse) is missing
            self.failed.emit(
                self.tr(
                    "Recording needs the system's sound service (PulseAudio or PipeWire), "
                    "which this computer does not have."
                )
            )
            return False
        device = QMediaDevices.defaultAudioInput()
        if device.isNull():
            self.failed.emit(
                self.tr(
                    "No microphone was found. Connect one (or allow this app to use it in the "
                    "system's privacy settings) and try again."
                )
            )
            return False
        wanted = QAudioFormat()
        wanted.setSampleRate(RATE)
        wanted.setChannelCount(1)
        wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(wanted):
            wanted = device.preferredFormat()
            wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not device.isFormatSupported(wanted):
            self.failed.emit(
                self.tr("The microphone “%1” cannot record in a format this app reads.").replace(
                    "%1", device.description()
                )
            )
            return False
        self._format = (wanted.sampleRate(), wanted.channelCount())
        self._buffer = QBuffer(self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadWrite)
        source = QAudioSource(device, wanted, self)
        source.start(self._buffer)
        if source.error() != QtAudio.Error.NoError:
            source.stop()
            self._buffer.close()
            self._buffer = None
            self.failed.emit(
                self.tr(
                    "The microphone “%1” could not be opened. Is another program using it?"
                ).replace("%1", device.description())
            )
            return False
        self._source = source
        self._limit.start()
        return True

    def stop(self) -> None:
        """Stop and hand over the recording (`finished`)."""
        source, buffer = self._source, self._buffer
        if source is None or buffer is None:
            return
        self._limit.stop()
        source.stop()
        source.deleteLater()
        pcm = bytes(buffer.data().data())
        buffer.close()
        buffer.setData(QByteArray())  # the recording leaves Qt's memory as well
        self._source = self._buffer = None
        self.finished.emit(wav(pcm, *self._format))

    def cancel(self) -> None:
        """Stop and drop the recording (the page is left, the person logs out)."""
        source, buffer = self._source, self._buffer
        self._source = self._buffer = None
        self._limit.stop()
        if source is not None:
            source.stop()
            source.deleteLater()
        if buffer is not None:
            buffer.close()
            buffer.setData(QByteArray())


def wav(pcm: bytes, rate: int, channels: int) -> bytes:
    """16-bit PCM as a WAV file's bytes, in memory."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
    return out.getvalue()


class SpeakButton(QPushButton):
    """● Speak / ■ Stop. A press records (with no transcription service set, it says what it
    needs instead; for one in the cloud it asks the person's consent once, first); the second
    press (or 30 seconds) stops, asks the page what to do with the recording (`hear()`, on the
    UI thread: the sentence on screen then) and does it on the AI worker. `heard` gets its
    result, `problem` a sentence when something is in the way. `cancel` drops whatever is under
    way: a late answer of the worker or of the consent box changes nothing."""

    heard = Signal(object)  # what `hear` returned
    problem = Signal(str)

    def __init__(
        self,
        ctx: Context,
        ai: Callable[[], TaskRunner],
        hear: Callable[[], Callable[[SpeakingService, bytes], Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ai = ai
        self.hear = hear
        self.working = False  # finding the service, or writing a recording down
        self._generation = 0  # raised by cancel(): answers to older requests are dropped
        self.recorder = Recorder(self)
        self.recorder.finished.connect(self._recorded)
        self.recorder.failed.connect(self._failed)
        self._transcriber: Any = None  # the service the recording under way goes to
        self.consent_box: QMessageBox | None = None
        self._seconds = 0
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self.clicked.connect(self.press)
        self._show("idle")

    def _show(self, state: str) -> None:
        texts = {
            "idle": (self.tr("● Speak"), self.tr("Speak: record what you say")),
            "recording": (self.tr("■ Stop"), self.tr("Stop recording")),
            "working": (self.tr("Listening…"), self.tr("Writing down what you said")),
        }
        text, name = texts[state]
        if state == "recording" and self._seconds:
            text += f" {self._seconds // 60}:{self._seconds % 60:02d}"
        self.setText(text)
        self.setAccessibleName(name)
        self.setEnabled(state != "working")

    def press(self) -> None:
        """Idle: find the transcription service (and the person's consent to it) on the data
        worker, then record. Recording: stop, and send."""
        if self.recorder.recording:
            self.recorder.stop()
            return
        if self.working:
            return
        self.working = True
        learner, now = self.ctx.learner, self._generation

        def look() -> tuple[Any, bool]:
            transcriber = ai_settings.transcriber(ai_settings.load(learner))
            return transcriber, transcriber is not None and ai_settings.needs_consent(
                learner, transcriber
            )

        self.ctx.run(
            look, self._still(now, lambda r: self._ask(*r)), self._still(now, self._not_heard)
        )

    def _still(self, generation: int, then: Callable[[Any], None]) -> Callable[[Any], None]:
        """`then`, unless the button was cancelled since `generation`."""
        return lambda value: then(value) if generation == self._generation else None

    def _ask(self, transcriber: Any, need: bool) -> None:
        if transcriber is None:
            self._not_heard(SpeakingError(NEEDS_ENDPOINT))
            return
        if not need:
            self._record(transcriber)
            return
        learner, now = self.ctx.learner, self._generation

        def answered(yes: bool) -> None:
            self.consent_box = None
            if now != self._generation:
                return
            if not yes:
                self._not_heard(None)
                return
            self.ctx.run(
                lambda: ai_settings.give_consent(learner, transcriber),
                self._still(now, lambda _r: self._record(transcriber)),
                self._still(now, self._not_heard),
            )

        self.consent_box = ask_yes_no(
            self,
            self.tr("Send your voice?"),
            ai_settings.speech_consent_question(transcriber),
            answered,
        )

    def _record(self, transcriber: Any) -> None:
        self.working = False
        self._transcriber = transcriber
        if self.recorder.start():
            self._seconds = 0
            self._ticker.start()
            self._show("recording")

    def cancel(self) -> None:
        """Drop what is under way: the recording, the question, a transcription's answer."""
        self._generation += 1
        self.working = False
        if self.consent_box is not None:
            box, self.consent_box = self.consent_box, None
            box.close()
        self.recorder.cancel()
        self._ticker.stop()
        self._show("idle")

    def _tick(self) -> None:
        self._seconds += 1
        self._show("recording")

    def _failed(self, message: str) -> None:
        self._ticker.stop()
        self._show("idle")
        self.problem.emit(message)

    def _recorded(self, audio: bytes) -> None:
        self._ticker.stop()
        try:
            job = self.hear()  # what the page shows now is what the recording is about
        except SpeakingError as exc:
            self._not_heard(exc)
            return
        self.working = True
        self._show("working")
        service, now = SpeakingService(self.ctx.learner, self._transcriber), self._generation
        self.ai().run(
            lambda: job(service, audio),
            self._still(now, self._done),
            self._still(now, self._not_heard),
        )

    def _done(self, result: Any) -> None:
        self.working = False
        self._show("idle")
        self.heard.emit(result)

    def _not_heard(self, error: BaseException | None) -> None:
        self.working = False
        self._show("idle")
        if error is not None:
            self.problem.emit(readable(error))
