"""The Speech SDK's WebSocket message framing ("USP"), see SDK-PROTOCOL.md section 2.

Text frame: header lines `Name:value` joined by CRLF, a blank line, then the body.
Binary frame: a 2-byte big-endian header length, the header lines (each ending in CRLF), then
the payload. Header names are matched case-insensitively and values may follow `: `; request
ids are echoed exactly as received (the SDKs compare them as strings).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from voxtune.errors import InvalidInputError

CRLF = "\r\n"


@dataclass(frozen=True)
class UspMessage:
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def path(self) -> str:
        return self.headers.get("path", "").lower()

    @property
    def request_id(self) -> str:
        return self.headers.get("x-requestid", "")

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; {} when it is empty or not an object."""
        try:
            value = json.loads(self.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise InvalidInputError(f"{self.path} message body is not JSON: {exc}") from exc
        return value if isinstance(value, dict) else {}


def _headers(block: str) -> dict[str, str]:
    headers = {}
    for line in block.split("\n"):
        name, colon, value = line.strip("\r").partition(":")
        if colon and name.strip():
            headers[name.strip().lower()] = value.strip()
    return headers


def parse_text(frame: str) -> UspMessage:
    head, _, body = frame.partition(CRLF + CRLF)
    if not _:
        head, _, body = frame.partition("\n\n")  # be lenient with LF-only clients
    return UspMessage(_headers(head), body.encode("utf-8"))


def parse_binary(frame: bytes) -> UspMessage:
    if len(frame) < 2:
        raise InvalidInputError("binary message shorter than its 2-byte header length")
    (length,) = struct.unpack(">H", frame[:2])
    if 2 + length > len(frame):
        raise InvalidInputError("binary message header runs past the end of the message")
    try:
        head = frame[2 : 2 + length].decode("ascii")
    except UnicodeDecodeError as exc:
        raise InvalidInputError("binary message header is not ASCII") from exc
    return UspMessage(_headers(head), frame[2 + length :])


def text_message(path: str, request_id: str, body: dict[str, Any]) -> str:
    """A server message: always a text frame, with the client's request id."""
    timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    head = CRLF.join(
        [
            f"Path:{path}",
            f"X-RequestId:{request_id}",
            f"X-Timestamp:{timestamp}",
            "Content-Type:application/json; charset=utf-8",
        ]
    )
    return head + CRLF + CRLF + json.dumps(body, ensure_ascii=False)


@dataclass(frozen=True)
class StreamFormat:
    """What the RIFF header at the start of a turn's audio announces."""

    sample_rate_hz: int = 16000
    channels: int = 1
    bits: int = 16
    is_float: bool = False

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.bits // 8


PCM, IEEE_FLOAT, EXTENSIBLE = 1, 3, 0xFFFE


def split_wav_header(payload: bytes) -> tuple[StreamFormat, bytes]:
    """The format announced by a leading RIFF/WAVE header and the audio after it; a payload
    without one is taken as 16 kHz mono 16-bit PCM (the SDK's default stream format)."""
    if payload[:4] != b"RIFF" or payload[8:12] != b"WAVE":
        return StreamFormat(), payload
    try:
        return _split_riff(payload)
    except struct.error as exc:  # a chunk that claims more bytes than there are
        raise InvalidInputError(f"the audio's WAV header is truncated: {exc}") from exc


def _split_riff(payload: bytes) -> tuple[StreamFormat, bytes]:
    position = 12
    found: StreamFormat | None = None
    while position + 8 <= len(payload):
        chunk = payload[position : position + 4]
        (size,) = struct.unpack_from("<I", payload, position + 4)
        body = position + 8
        if chunk == b"fmt ":
            if size < 16 or body + size > len(payload):
                raise InvalidInputError("the audio's WAV header has a short fmt chunk")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", payload, body)
            if tag == EXTENSIBLE and size >= 40:
                tag = struct.unpack_from("<H", payload, body + 24)[0]
            found = _check_format(tag, channels, rate, bits)
        elif chunk == b"data":
            if found is None:
                raise InvalidInputError("the audio's WAV header has no fmt chunk")
            return found, payload[body:]  # the SDK writes size 0 here: the rest is audio
        position = body + size + (size & 1)
    raise InvalidInputError("the audio's WAV header has no data chunk")


def _check_format(tag: int, channels: int, rate: int, bits: int) -> StreamFormat:
    encoding_ok = (tag == PCM and bits in (8, 16, 24, 32)) or (tag == IEEE_FLOAT and bits == 32)
    if encoding_ok and 1 <= channels <= 8 and 4000 <= rate <= 192000:
        return StreamFormat(rate, channels, bits, tag == IEEE_FLOAT)
    raise InvalidInputError(
        f"unsupported stream format: tag {tag}, {channels} channels, {rate} Hz, {bits} bits"
    )
