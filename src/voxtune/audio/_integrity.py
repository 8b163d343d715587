"""Structural checks libsndfile skips: it silently decodes whatever part of a cut file is there.

Truncated input must be an error (not silently shorter audio), so we compare the sizes a
container declares against the bytes actually present before decoding.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from voxtune.audio._sniff import id3_tag_bytes
from voxtune.audio._source import HeaderPatch
from voxtune.errors import AudioError

# Streaming writers (sox, arecord, ffmpeg to a pipe) cannot seek back to fill in the length,
# so they leave one of these in the data chunk's size field; the data runs to the end of file.
UNKNOWN_SIZE_ZERO = 0
UNKNOWN_SIZE_MAX = 0xFFFFFFFF
MAX_WAV_CHUNKS = 4096  # stops a crafted file of millions of tiny chunks from looping forever
XING_SEARCH_BYTES = 64  # the Xing/Info tag follows the 4-byte header and <= 32 bytes side info
MAX_OGG_PAGE_BYTES = 27 + 255 + 255 * 255  # header + lacing values + largest body = 65307
_KNOWN_CHUNK_IDS = {b"LIST", b"id3 ", b"ID3 ", b"bext", b"cue ", b"smpl", b"inst", b"JUNK"}


def check_riff(f: BinaryIO, size_bytes: int) -> HeaderPatch | None:
    """Walk the chunks of a WAV/RF64 up to `data`; raise if it is cut short.

    Returns a patch when the data size is 0 (unknown) but samples follow: libsndfile would
    otherwise report zero frames for such a streamed file.
    """
    f.seek(0)
    header = f.read(12)
    if len(header) < 12:
        raise AudioError(
            f"truncated WAV: the file ends inside the RIFF header, after {size_bytes} bytes"
        )
    endian = ">" if header[:4] == b"RIFX" else "<"
    ds64_data_bytes: int | None = None
    offset = 12
    for _ in range(MAX_WAV_CHUNKS):
        f.seek(offset)
        chunk = f.read(8)
        if len(chunk) < 8:
            raise AudioError(
                f"truncated WAV: the file ends after {size_bytes} bytes, before any data chunk"
            )
        chunk_id, (chunk_bytes,) = chunk[:4], struct.unpack(endian + "I", chunk[4:])
        if chunk_id == b"ds64" and header[:4] == b"RF64":
            body = f.read(16)  # 64-bit RIFF size, then 64-bit data size
            if len(body) == 16:
                ds64_data_bytes = struct.unpack("<Q", body[8:])[0]
        if chunk_id == b"data":
            if chunk_bytes == UNKNOWN_SIZE_MAX and ds64_data_bytes is not None:
                chunk_bytes = ds64_data_bytes
            return _check_data(f, offset + 8, chunk_bytes, size_bytes, endian)
        offset += 8 + chunk_bytes + (chunk_bytes & 1)  # chunks are padded to an even size
    raise AudioError(f"not a valid WAV: no data chunk within the first {MAX_WAV_CHUNKS} chunks")


def _check_data(
    f: BinaryIO, data_offset: int, declared_bytes: int, size_bytes: int, endian: str
) -> HeaderPatch | None:
    available = size_bytes - data_offset
    if available <= 0 or (
        declared_bytes == UNKNOWN_SIZE_ZERO and _chunk_follows(f, available, endian)
    ):
        raise AudioError("contains no samples (the WAV data chunk is empty)")
    if declared_bytes == UNKNOWN_SIZE_ZERO:
        size_field = struct.pack(endian + "I", min(available, UNKNOWN_SIZE_MAX))
        return HeaderPatch(offset=data_offset - 4, data=size_field)
    if declared_bytes == UNKNOWN_SIZE_MAX:
        return None  # libsndfile already reads such data to the end of the file
    if declared_bytes > available:
        raise AudioError(
            f"truncated WAV: header says {declared_bytes} bytes of data, file has {available}"
        )
    return None


def _chunk_follows(f: BinaryIO, available: int, endian: str) -> bool:
    """Whether the bytes after an empty data chunk are another chunk rather than samples."""
    following = f.read(8)
    if len(following) < 8 or following[:4] not in _KNOWN_CHUNK_IDS:
        return False
    (chunk_bytes,) = struct.unpack(endian + "I", following[4:])
    return bool(8 + chunk_bytes <= available)


def check_ogg(f: BinaryIO, size_bytes: int) -> None:
    """Raise if the last Ogg page is cut short; a cleanly ended stream ends on a page boundary."""
    tail_bytes = min(size_bytes, MAX_OGG_PAGE_BYTES)
    f.seek(size_bytes - tail_bytes)
    tail = f.read(tail_bytes)
    # The last capture pattern (with stream structure version 0) starts the last page.
    start = tail.rfind(b"OggS\x00")
    if start < 0:
        return  # trailing bytes that are not Ogg at all: leave the verdict to the decoder
    header_end = start + 27
    if header_end > len(tail) or header_end + tail[start + 26] > len(tail):
        raise AudioError("truncated Ogg: the file ends inside the last page header")
    lacing_end = header_end + tail[start + 26]
    page_end = lacing_end + sum(tail[header_end:lacing_end])
    if page_end > len(tail):
        raise AudioError(
            f"truncated Ogg: the last page needs {page_end - start} bytes, "
            f"the file has {len(tail) - start}"
        )


def check_mpeg(f: BinaryIO, size_bytes: int) -> None:
    """Raise if the stream size in an MP3's Xing/Info tag (written by LAME and most encoders)
    exceeds the file: the cheap way to spot a cut MP3 without decoding it."""
    f.seek(0)
    first_frame = id3_tag_bytes(f.read(10))
    f.seek(first_frame)
    frame = f.read(XING_SEARCH_BYTES + 16)
    tag = max(frame.find(b"Xing", 0, XING_SEARCH_BYTES), frame.find(b"Info", 0, XING_SEARCH_BYTES))
    if tag < 0 or len(frame) < tag + 16:
        return
    (flags,) = struct.unpack(">I", frame[tag + 4 : tag + 8])
    if not flags & 0x2:  # no byte count in this tag
        return
    stream_at = tag + 12 if flags & 0x1 else tag + 8  # the frame count comes first if present
    (stream_bytes,) = struct.unpack(">I", frame[stream_at : stream_at + 4])
    # Whether an encoder counts the ID3 tag varies, so only a count beyond the whole file is
    # certain to mean bytes are missing.
    if stream_bytes > size_bytes:
        raise AudioError(
            f"truncated MP3: header says {stream_bytes} bytes of audio, file has {size_bytes}"
        )
