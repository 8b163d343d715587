"""The Speech SDK message framing, stream formats and audio conversion, and a raw WebSocket
client for what the SDKs do not send: malformed frames, credentials in the query string."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from test_api_support import live_server
from test_jobs_support import process_children
from voxtune.errors import InvalidInputError
from voxtune.realtime.session import SpeechSession, connection_settings
from voxtune.realtime.stream_worker import PcmConverter, StreamWorker
from voxtune.realtime.usp import (
    StreamFormat,
    parse_binary,
    parse_text,
    split_wav_header,
    text_message,
)

REQUEST_ID = "0A1B2C3D4E5F60718293A4B5C6D7E8F9"


def _sdk_wav_header(rate: int, channels: int, bits: int, tag: int = 1) -> bytes:
    """As the SDK writes it at the start of a turn's audio: RIFF and data sizes 0."""
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    return b"RIFF\0\0\0\0WAVEfmt " + struct.pack("<I", 16) + fmt + b"data\0\0\0\0"


def _binary(headers: str, payload: bytes) -> bytes:
    head = headers.encode("ascii")
    return struct.pack(">H", len(head)) + head + payload


def test_text_messages_parse_leniently() -> None:
    message = parse_text(
        f"path: Speech.Context\r\nX-RequestId:{REQUEST_ID}\r\n\r\n"
        '{"phraseOutput": {"format": "Detailed"}}'
    )
    assert message.path == "speech.context" and message.request_id == REQUEST_ID
    assert message.json()["phraseOutput"]["format"] == "Detailed"
    assert parse_text("Path:telemetry\n\n{}").path == "telemetry"
    with pytest.raises(InvalidInputError, match="not JSON"):
        parse_text("Path:speech.config\r\n\r\n{broken").json()


def test_binary_messages_and_their_errors() -> None:
    frame = _binary(f"Path:audio\r\nX-RequestId:{REQUEST_ID}\r\n", b"\x01\x02")
    message = parse_binary(frame)
    assert (message.path, message.request_id, message.body) == ("audio", REQUEST_ID, b"\x01\x02")
    with pytest.raises(InvalidInputError, match="2-byte"):
        parse_binary(b"\x00")
    with pytest.raises(InvalidInputError, match="past the end"):
        parse_binary(b"\x00\xff" + b"Path:audio\r\n")


def test_server_messages_echo_the_request_id_in_text_frames() -> None:
    frame = text_message("turn.start", REQUEST_ID, {"context": {"serviceTag": "x"}})
    head, body = frame.split("\r\n\r\n", 1)
    lines = head.split("\r\n")
    assert lines[0] == "Path:turn.start" and lines[1] == f"X-RequestId:{REQUEST_ID}"
    assert "Content-Type:application/json; charset=utf-8" in lines
    assert json.loads(body) == {"context": {"serviceTag": "x"}}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (_sdk_wav_header(16000, 1, 16), StreamFormat(16000, 1, 16, False)),
        (_sdk_wav_header(44100, 2, 16), StreamFormat(44100, 2, 16, False)),
        (_sdk_wav_header(48000, 1, 32, tag=3), StreamFormat(48000, 1, 32, True)),
        (b"", StreamFormat()),  # no header: the SDK's default format
    ],
)
def test_the_first_audio_announces_its_format(header: bytes, expected: StreamFormat) -> None:
    stream_format, rest = split_wav_header(header + b"\x00\x01")
    assert stream_format == expected and rest == b"\x00\x01"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (_sdk_wav_header(16000, 1, 16, tag=2), "unsupported stream format"),  # ADPCM
        (_sdk_wav_header(16000, 0, 16), "unsupported stream format"),
        (b"RIFF\0\0\0\0WAVEdata\0\0\0\0", "no fmt chunk"),
        (b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0", "short fmt chunk"),
        (b"RIFF\0\0\0\0WAVE", "no data chunk"),
        # EXTENSIBLE fmt chunk that claims 40 bytes but stops after 16
        (_sdk_wav_header(16000, 1, 16, tag=0xFFFE).replace(b"fmt \x10", b"fmt \x28"),
         "short fmt chunk|truncated"),
    ],
)
def test_bad_stream_headers_are_refused(header: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        split_wav_header(header)


def _pcm16(data: bytes) -> np.ndarray[tuple[int], np.dtype[np.int16]]:
    return np.frombuffer(data, "<i2")


def test_conversion_of_sample_formats_and_chunk_boundaries() -> None:
    half = 0.5
    samples = {
        StreamFormat(16000, 1, 8): np.array([128 + 64], np.uint8).tobytes(),
        StreamFormat(16000, 1, 24): (2**22).to_bytes(3, "little", signed=True),
        StreamFormat(16000, 1, 32): (2**30).to_bytes(4, "little", signed=True),
        StreamFormat(16000, 1, 32, True): np.array([half], "<f4").tobytes(),
        StreamFormat(16000, 2, 16): np.array([16384, 16384], "<i2").tobytes(),
    }
    for stream_format, data in samples.items():
        converter = PcmConverter(stream_format, 16000)
        cut = len(data) // 2  # inside the frame (8-bit: a whole frame is one byte)
        first = converter.convert(data[:cut])
        assert first == b"" or stream_format.frame_bytes == 1
        assert list(_pcm16(first + converter.convert(data[cut:]))) == [16384], stream_format


def test_the_end_of_heard_audio_is_rounded_up_to_a_millisecond() -> None:
    converter = PcmConverter(StreamFormat(8000, 1, 16), 16000)
    converter.convert(b"\x00\x00" * 9)  # 9 frames at 8 kHz: 1.125 ms
    assert converter.heard_ticks() == 20_000


def test_conversion_resamples_to_the_model_rate() -> None:
    converter = PcmConverter(StreamFormat(8000, 1, 16), 16000)
    tone = (np.sin(np.arange(8000) * 0.3) * 8000).astype("<i2").tobytes()
    out = converter.convert(tone[:8000]) + converter.convert(tone[8000:], last=True)
    assert abs(len(_pcm16(out)) - 16000) <= 16


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with live_server(tmp_path_factory.mktemp("home"), workers=0) as (base_url, key):
        yield base_url.replace("http://", "ws://"), key


PATH = "/speech/recognition/interactive/cognitiveservices/v1"


def _receive_all(socket: object) -> list[str]:
    frames = []
    try:
        while True:
            frames.append(socket.recv(timeout=30))  # type: ignore[attr-defined]
    except ConnectionClosed:
        return frames


def test_key_in_the_query_string_and_a_whole_turn(
    server: tuple[str, str], smoke_dir: Path
) -> None:
    """What the JavaScript SDK does: credentials in the query, no subprotocol."""
    host, key = server
    audio = (smoke_dir / "sense_and_sensibility_01_austen_64kb-0880.wav").read_bytes()
    url = f"{host}{PATH}?language=en-US&Ocp-Apim-Subscription-Key={key}&format=simple"
    with connect(url) as socket:
        socket.send(f"Path:speech.context\r\nX-RequestId:{REQUEST_ID}\r\n\r\n{{}}")
        socket.send(_binary(f"Path:audio\r\nX-RequestId:{REQUEST_ID}\r\n", audio))
        socket.send(_binary(f"Path:audio\r\nX-RequestId:{REQUEST_ID}\r\n", b""))
        paths = []
        while not paths or paths[-1] != "turn.end":
            frame = socket.recv(timeout=60)
            assert isinstance(frame, str)  # every reply is a text frame
            head, body = frame.split("\r\n\r\n", 1)
            assert f"X-RequestId:{REQUEST_ID}" in head.split("\r\n")
            paths.append(head.split("\r\n")[0].removeprefix("Path:"))
            if paths[-1] == "speech.phrase":
                assert "young man" in json.loads(body)["DisplayText"].lower()
    assert paths[0] == "turn.start" and paths.count("speech.phrase") == 1
    assert paths.index("speech.endDetected") < paths.index("speech.phrase")


def test_odd_context_json_does_not_break_the_turn(
    server: tuple[str, str], smoke_dir: Path
) -> None:
    host, key = server
    audio = (smoke_dir / "sense_and_sensibility_01_austen_64kb-0880.wav").read_bytes()
    context = '{"phraseOutput": {"format": "Detailed", "detailed": "WordTimings"}, "x": [[[]]]}'
    with connect(f"{host}{PATH}?language=en-US",
                 additional_headers={"Ocp-Apim-Subscription-Key": key}) as socket:
        socket.send(f"Path:speech.context\r\nX-RequestId:{REQUEST_ID}\r\n\r\n{context}")
        socket.send(_binary(f"Path:audio\r\nX-RequestId:{REQUEST_ID}\r\n", audio))
        socket.send(_binary(f"Path:audio\r\nX-RequestId:{REQUEST_ID}\r\n", b""))
        replies = []
        while not replies or replies[-1][0] != "turn.end":
            replies.append(_path_and_body(str(socket.recv(timeout=60))))
    phrase = dict(replies)["speech.phrase"]
    best = phrase["NBest"][0]  # type: ignore[index]
    assert "young man" in best["Lexical"] and "Words" not in best


def test_a_malformed_binary_frame_closes_the_connection(server: tuple[str, str]) -> None:
    host, key = server
    with connect(f"{host}{PATH}?language=en-US",
                 additional_headers={"Ocp-Apim-Subscription-Key": key}) as socket:
        socket.send(b"\x00\xffPath:audio\r\n")
        _receive_all(socket)
        assert socket.close_code == 1007


def test_a_missing_key_is_refused_at_the_handshake(server: tuple[str, str]) -> None:
    host, _ = server
    with pytest.raises(Exception, match=r"403|401"):
        connect(f"{host}{PATH}?language=en-US").close()


def test_connections_beyond_the_limit_are_told_to_come_back(tmp_path: Path) -> None:
    with live_server(tmp_path, workers=0, realtime_connections=1) as (base_url, key):
        url = f"{base_url.replace('http://', 'ws://')}{PATH}?language=en-US"
        headers = {"Ocp-Apim-Subscription-Key": key}
        with connect(url, additional_headers=headers) as first:
            first.send(f"Path:speech.config\r\nX-RequestId:{REQUEST_ID}\r\n\r\n{{}}")
            with connect(url, additional_headers=headers) as second:
                _receive_all(second)
                assert second.close_code == 1013
        # The slot is free again once the first connection's decoder process has stopped.
        deadline = time.monotonic() + 30
        while True:
            with connect(url, additional_headers=headers) as again:
                try:
                    again.send(f"Path:speech.context\r\nX-RequestId:{REQUEST_ID}\r\n\r\n{{}}")
                    frame = again.recv(timeout=30)
                except ConnectionClosed:
                    assert again.close_code == 1013 and time.monotonic() < deadline
                else:
                    assert "Path:turn.start" in str(frame)
                    break
            time.sleep(0.2)


def test_a_worker_that_cannot_load_its_model_still_ends_every_turn(tmp_path: Path) -> None:
    """A real worker process on a model that does not load: the turn gets an Error phrase
    and turn.end (an SDK left without turn.end waits ~70 s)."""

    async def run() -> list[tuple[str, dict[str, object]]]:
        sent: list[str] = []

        async def send(frame: str) -> None:
            sent.append(frame)

        worker = StreamWorker(str(tmp_path / "no-such-model"))
        settings = connection_settings("interactive", None, None, None)
        session = SpeechSession(settings, worker, send)
        try:
            await session.on_message(
                parse_text(f"Path:speech.context\r\nX-RequestId:{REQUEST_ID}\r\n\r\n{{}}")
            )
            header = f"Path:audio\r\nX-RequestId:{REQUEST_ID}\r\n"
            await session.on_message(parse_binary(_binary(header, _sdk_wav_header(16000, 1, 16))))
            while not sent or "Path:turn.end" not in sent[-1]:
                await session.on_reply(await asyncio.wait_for(worker.replies.get(), 60))
        finally:
            await worker.close()
        return [_path_and_body(frame) for frame in sent]

    replies = asyncio.run(run())
    assert [path for path, _ in replies] == ["turn.start", "speech.phrase", "turn.end"]
    assert replies[1][1]["RecognitionStatus"] == "Error"


def _path_and_body(frame: str) -> tuple[str, dict[str, object]]:
    head, body = frame.split("\r\n\r\n", 1)
    return head.split("\r\n")[0].removeprefix("Path:"), json.loads(body)


def test_a_worker_killed_mid_turn_still_ends_the_turn(smoke_dir: Path) -> None:
    """SIGKILL the connection's real decoder process while it has audio: the open turn still
    gets its Error phrase and turn.end, and the next turn is refused the same way at once."""

    async def run() -> list[tuple[str, dict[str, object]]]:
        sent: list[str] = []

        async def send(frame: str) -> None:
            sent.append(frame)

        before = set(process_children().get(os.getpid(), []))
        worker = StreamWorker("base")
        session = SpeechSession(connection_settings("conversation", None, None, None),
                                worker, send)
        try:
            assert (await asyncio.wait_for(worker.replies.get(), 60))[0] == "ready"
            header = f"Path:audio\r\nX-RequestId:{REQUEST_ID}\r\n"
            clip = (smoke_dir / "sense_and_sensibility_01_austen_64kb-0870.wav").read_bytes()
            await session.on_message(parse_binary(_binary(header, clip)))
            children = set(process_children().get(os.getpid(), [])) - before
            for pid in children:  # the worker (spawned processes have no other children)
                if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text():
                    os.kill(pid, signal.SIGKILL)
            while not sent or "Path:turn.end" not in sent[-1]:
                await session.on_reply(await asyncio.wait_for(worker.replies.get(), 60))
            other = "F" * 32
            await session.on_message(parse_text(f"Path:speech.context\r\nX-RequestId:{other}"
                                                "\r\n\r\n{}"))
        finally:
            await worker.close()
        return [_path_and_body(frame) for frame in sent]

    replies = asyncio.run(run())
    paths = [path for path, _ in replies]
    assert paths[0] == "turn.start" and paths[-3:] == ["turn.start", "speech.phrase", "turn.end"]
    first_end = paths.index("turn.end")
    assert first_end < len(paths) - 3  # the killed turn ended first
    # a continuous turn only ends at the end of its audio, which never came: it ended because
    # its worker died, with an Error phrase, as did the next turn
    assert replies[first_end - 1] == ("speech.phrase", {"RecognitionStatus": "Error",
                                                        "Offset": 0, "Duration": 0})
    assert replies[-2][1]["RecognitionStatus"] == "Error"
