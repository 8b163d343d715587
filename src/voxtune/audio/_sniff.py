"""Which container a file is, from its first bytes; the file name is never consulted."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import BinaryIO, Literal

from voxtune.errors import AudioError

# Enough for any fixed header below, including an Ogg first page's 255 lacing values.
HEAD_BYTES = 512
_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_EBML_MAGIC = bytes.fromhex("1a45dfa3")  # Matroska and WebM


@dataclass(frozen=True)
class Container:
    """A container we know how to decode, and with what."""

    label: str  # what reports call it: "WAV", "FLAC", "mp4"
    decoder: Literal["soundfile", "ffmpeg"]
    ffmpeg_demuxer: str  # forced with `ffmpeg -f`, so ffmpeg never guesses the format itself
    integrity: Literal["riff", "ogg", "mpeg", ""] = ""  # structural check run before decoding


WAV = Container("WAV", "soundfile", "wav", "riff")
RF64 = Container("RF64", "soundfile", "wav", "riff")
W64 = Container("W64", "soundfile", "w64")
FLAC = Container("FLAC", "soundfile", "flac")
OGG = Container("OGG", "soundfile", "ogg", "ogg")  # Vorbis and Opus, which libsndfile decodes
MP3 = Container("MP3", "soundfile", "mp3", "mpeg")
AIFF = Container("AIFF", "soundfile", "aiff")
AU = Container("AU", "soundfile", "au")
CAF = Container("CAF", "soundfile", "caf")
NIST = Container("NIST", "soundfile", "nistsphere")
OGG_OTHER = Container("ogg", "ffmpeg", "ogg", "ogg")  # Ogg FLAC, Speex: libsndfile cannot
MP4 = Container("mp4", "ffmpeg", "mov")  # also m4a, mov, 3gp
MATROSKA = Container("matroska", "ffmpeg", "matroska")  # also webm
ASF = Container("asf", "ffmpeg", "asf")  # wma
AAC = Container("aac", "ffmpeg", "aac")  # raw ADTS stream
AMR = Container("amr", "ffmpeg", "amr")
AVI = Container("avi", "ffmpeg", "avi")


def sniff_container(f: BinaryIO) -> Container:
    """Identify the container or raise an AudioError that says what the bytes look like."""
    f.seek(0)
    head = f.read(HEAD_BYTES)
    found = _by_magic(head)
    if found is not None:
        return found
    if head[:3] == b"ID3" and len(head) >= 10:
        f.seek(id3_tag_bytes(head))
        after = f.read(HEAD_BYTES)
        if after[:4] == b"fLaC":
            return FLAC
        found = _mpeg_or_adts(after)
        if found is not None:
            return found
        raise AudioError("an ID3 tag followed by no recognizable audio (not MP3, AAC or FLAC)")
    raise _unrecognized(head)


def id3_tag_bytes(head: bytes) -> int:
    """Length of the ID3v2 tag at the start (0 if none), which may precede MP3, AAC or FLAC."""
    if head[:3] != b"ID3" or len(head) < 10:
        return 0
    # The size is 4 x 7-bit "syncsafe" bytes and excludes the 10-byte header (and footer).
    size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | head[9]
    return 10 + size + (10 if head[5] & 0x10 else 0)


def _by_magic(head: bytes) -> Container | None:
    riff_form = head[8:12]
    table: list[tuple[bool, Container]] = [
        # A RIFF too short to name its form is most likely a WAV cut short: say so.
        (head[:4] in (b"RIFF", b"RIFX") and (riff_form == b"WAVE" or len(head) < 12), WAV),
        (head[:4] == b"RF64" and riff_form == b"WAVE", RF64),
        (head[:4] == b"RIFF" and riff_form == b"AVI ", AVI),
        (head[:4] == b"riff" and head[24:28] == b"wave", W64),
        (head[:4] == b"fLaC", FLAC),
        (head[:4] == b"FORM" and riff_form in (b"AIFF", b"AIFC"), AIFF),
        (head[:4] == b".snd", AU),
        (head[:4] == b"caff", CAF),
        (head[:7] == b"NIST_1A", NIST),
        (head[4:8] == b"ftyp", MP4),
        (head[:4] == _EBML_MAGIC, MATROSKA),
        (head[:16] == _ASF_GUID, ASF),
        (head[:5] == b"#!AMR", AMR),
    ]
    for matches, container in table:
        if matches:
            return container
    if head[:5] == b"OggS\x00":
        return _ogg_codec(head)
    return _mpeg_or_adts(head)


def _ogg_codec(head: bytes) -> Container:
    # The first page holds the codec's identification packet right after the lacing values.
    packet_start = 27 + head[26] if len(head) > 26 else len(head)
    packet = head[packet_start : packet_start + 8]
    if packet.startswith((b"\x01vorbis", b"OpusHead")):
        return OGG
    return OGG_OTHER


def _mpeg_or_adts(head: bytes) -> Container | None:
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    if head[1] & 0xF6 == 0xF0:
        return AAC  # 12-bit sync with layer 0: an ADTS header
    bitrate_index, rate_index = head[2] >> 4, (head[2] >> 2) & 3
    # 01 version, 00 layer, bitrate 1111 and rate 11 are reserved: not an MPEG audio frame.
    if version != 1 and layer != 0 and bitrate_index != 15 and rate_index != 3:
        return MP3
    return None


def _unrecognized(head: bytes) -> AudioError:
    text = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        decoded = text.decode(head.removeprefix(codecs.BOM_UTF8), final=False)
    except UnicodeDecodeError:
        decoded = ""
    if decoded and all(c.isprintable() or c in "\t\r\n" for c in decoded):
        snippet = " ".join(decoded.split())[:40]
        return AudioError(f"not a recognized audio format: the file looks like text ({snippet!r})")
    return AudioError(f"not a recognized audio format (first bytes {head[:16].hex(' ')})")
