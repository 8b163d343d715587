"""Streaming recognition for one real-time connection, in a process of its own.

pocketsphinx holds the GIL while it decodes (measured: the event loop stalled 2.9 s during a
3.6 s decode), so a connection's decoder cannot live in the API process. Each connection gets a
process that converts the client's audio to the model's format, runs a PocketsphinxStream and
sends back the JSON bodies of `speech.hypothesis` and `speech.phrase`. The API side reads its
answers with the event loop (`add_reader`) and writes through a thread, so a slow or starting
worker never blocks the loop.

Messages to the worker: ("turn", TurnSettings, number), ("audio", bytes), ("end",), ("drop",),
("close",). From it: ("ready",), ("hypothesis", number, body), ("phrase", number, body),
("ended", number, offset), ("error", number, message). Replies carry their turn's number, so
what a dropped turn still had in the pipe is not taken for the next turn's; an error with
number None means the worker cannot recognize at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
import numpy.typing as npt

from voxtune.errors import VoxtuneError
from voxtune.realtime.usp import StreamFormat
from voxtune.text.profanity import ProfanityMode

STOP_TIMEOUT_S = 5.0
MAX_IN_FLIGHT_BYTES = 4 * 1024 * 1024  # about 20 s of 48 kHz stereo 16-bit audio
TICKS_PER_MS = 10_000


@dataclass(frozen=True)
class TurnSettings:
    stream_format: StreamFormat
    detailed: bool
    word_timings: bool
    profanity: ProfanityMode


class PcmConverter:
    """Any PCM/float stream format -> 16-bit mono at `rate_hz`, chunk by chunk."""

    def __init__(self, stream_format: StreamFormat, rate_hz: int) -> None:
        import soxr

        self._format = stream_format
        self._left = b""  # a partial frame carried to the next chunk
        self._frames = 0  # frames received, in the client's format
        self._resampler = (
            soxr.ResampleStream(stream_format.sample_rate_hz, rate_hz, 1, dtype="float32")
            if stream_format.sample_rate_hz != rate_hz
            else None
        )

    def convert(self, data: bytes, last: bool = False) -> bytes:
        data = self._left + data
        usable = len(data) // self._format.frame_bytes * self._format.frame_bytes
        self._left = data[usable:]
        self._frames += usable // self._format.frame_bytes
        samples = self._samples(data[:usable])
        if self._resampler is not None:
            samples = np.asarray(self._resampler.resample_chunk(samples, last=last), np.float32)
        pcm: npt.NDArray[np.int16] = np.clip(samples * 32768.0, -32768, 32767).astype("<i2")
        return pcm.tobytes()

    def heard_ticks(self) -> int:
        """The client's audio so far in ticks, rounded up to a whole millisecond (the Speech
        SDK replays audio past an end offset that falls inside a millisecond)."""
        ticks = -(-self._frames * 10_000_000 // self._format.sample_rate_hz)
        return -(-ticks // TICKS_PER_MS) * TICKS_PER_MS

    def _samples(self, data: bytes) -> npt.NDArray[np.float32]:
        fmt = self._format
        if fmt.is_float:
            values = np.frombuffer(data, "<f4").astype(np.float32)
        elif fmt.bits == 8:
            values = (np.frombuffer(data, np.uint8).astype(np.float32) - 128.0) / 128.0
        elif fmt.bits == 24:
            raw = np.frombuffer(data, np.uint8).reshape(-1, 3).astype(np.int32)
            joined = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
            values = (np.where(joined >= 1 << 23, joined - (1 << 24), joined) / 2**23).astype(
                np.float32
            )
        else:
            dtype = "<i2" if fmt.bits == 16 else "<i4"
            values = (np.frombuffer(data, dtype) / float(2 ** (fmt.bits - 1))).astype(np.float32)
        mono: npt.NDArray[np.float32] = values.reshape(-1, fmt.channels).mean(axis=1)
        return mono.astype(np.float32)


def serve(conn: Connection, model_location: str) -> None:
    """The worker process: one connection's turns, one after the other."""
    from voxtune.engine import FinalPhrase, open_recognizer
    from voxtune.engine.azure_json import speech_phrase_json
    from voxtune.engine.formatting import bundle_formatter
    from voxtune.text.display import DisplayOptions

    try:
        recognizer = open_recognizer(model_location)
        formatter = bundle_formatter(recognizer.bundle)
    except VoxtuneError as error:
        conn.send(("error", None, error.message))
        return
    conn.send(("ready",))
    number = 0
    stream: Any = None
    converter: PcmConverter | None = None
    settings: TurnSettings | None = None

    def send_events(events: list[Any]) -> None:
        assert settings is not None
        options = DisplayOptions(profanity=settings.profanity, punctuation="DictatedAndAutomatic")
        for event in events:
            if isinstance(event, FinalPhrase):
                body = speech_phrase_json(
                    [event.phrase], formatter, options,
                    detailed=settings.detailed, word_timings=settings.word_timings,
                )
                conn.send(("phrase", number, body))
            else:
                forms = formatter.forms(event.lexical, options)
                text = forms.itn if settings.profanity == "None" else forms.masked_itn
                conn.send(("hypothesis", number, {"Text": text, "Offset": event.offset_ticks,
                                                  "Duration": event.duration_ticks}))

    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        kind = message[0]
        try:
            if kind == "close":
                return
            if kind == "turn":
                settings, number = message[1], message[2]
                converter = PcmConverter(settings.stream_format, recognizer.sample_rate_hz)
                stream = recognizer.stream()
            elif kind == "drop":
                stream = None
            elif stream is not None and converter is not None and kind == "audio":
                send_events(stream.feed(converter.convert(message[1])))
            elif stream is not None and converter is not None and kind == "end":
                pcm = converter.convert(b"", last=True)
                send_events(stream.feed(pcm) + stream.finish())
                stream = None
                conn.send(("ended", number, converter.heard_ticks()))
        except VoxtuneError as error:
            stream = None
            conn.send(("error", number, error.message))


class StreamWorker:
    """The API side of a worker process: send without blocking, receive on the event loop.

    Audio waits in the API process only up to MAX_IN_FLIGHT_BYTES: past that, `send_audio`
    waits for the worker, so a client sending faster than it decodes is slowed down by TCP
    instead of filling memory."""

    def __init__(self, model_location: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child, model_location), daemon=True)
        try:
            self._process.start()
        finally:
            child.close()
        self._loop = asyncio.get_running_loop()
        self._outbox: queue.Queue[tuple[Any, ...] | None] = queue.Queue()
        self._in_flight = 0  # audio bytes queued or being written
        self._drained = asyncio.Event()
        self._drained.set()
        self._gone = False  # the pipe broke: nothing more can be sent
        self.replies: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        self._writer = threading.Thread(target=self._write, daemon=True)
        self._writer.start()
        self._loop.add_reader(self._conn.fileno(), self._read)

    def send(self, *message: Any) -> None:
        if not self._gone:
            self._outbox.put(message)

    async def send_audio(self, payload: bytes) -> None:
        while self._in_flight > MAX_IN_FLIGHT_BYTES and not self._gone:
            self._drained.clear()
            await self._drained.wait()
        if not self._gone:
            self._in_flight += len(payload)
            self._outbox.put(("audio", payload))

    def _write(self) -> None:
        while (message := self._outbox.get()) is not None:
            try:
                self._conn.send(message)
            except (OSError, ValueError):
                self._loop.call_soon_threadsafe(self._broken)
                return  # the worker is gone; its end is reported by the reader
            if message[0] == "audio":
                self._loop.call_soon_threadsafe(self._written, len(message[1]))

    def _written(self, size: int) -> None:
        self._in_flight -= size
        if self._in_flight <= MAX_IN_FLIGHT_BYTES:
            self._drained.set()

    def _broken(self) -> None:
        self._gone = True
        self._drained.set()

    def _read(self) -> None:
        try:
            while self._conn.poll():
                self.replies.put_nowait(self._conn.recv())
        except (EOFError, OSError):
            self._loop.remove_reader(self._conn.fileno())
            self._broken()
            self.replies.put_nowait(("error", None, "the recognition process ended unexpectedly"))

    async def close(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            self._loop.remove_reader(self._conn.fileno())
        self._gone = True
        with contextlib.suppress(queue.Empty):  # audio nobody waits for any more
            while True:
                self._outbox.get_nowait()
        self._outbox.put(("close",))
        self._outbox.put(None)
        await asyncio.get_running_loop().run_in_executor(None, self._stop)

    def _stop(self) -> None:
        self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._writer.join(STOP_TIMEOUT_S)  # a send blocked on a full pipe fails once it closes
        self._conn.close()
