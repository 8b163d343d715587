"""Decoding user text files: UTF-8 with or without BOM, and (leniently) UTF-16 with a BOM.

Azure asks for UTF-8 (BOM optional). Windows tools often save "Unicode" text as UTF-16 with a
BOM; that is unambiguous, so voxtune decodes it and the parsers say so in the report. Anything
else (latin-1, cp1252, UTF-16 without BOM) is refused with the offset of the first bad byte,
because guessing a legacy code page silently corrupts transcripts.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from voxtune.errors import TextEncodingError

_UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}


@dataclass(frozen=True)
class DecodedText:
    text: str  # without the BOM
    encoding: str  # "utf-8", "utf-8-sig", "utf-16-le" or "utf-16-be"

    @property
    def lenient_note(self) -> str:
        """What to tell the user when we accepted something Azure would not."""
        if self.encoding.startswith("utf-16"):
            return f"decoded as {self.encoding.upper()} with BOM (Azure requires UTF-8)"
        return ""


def decode_text(data: bytes, what: str) -> DecodedText:
    """Decode `data` (the content of the file named `what`) or raise TextEncodingError."""
    for bom, encoding in _UTF16_BOMS.items():
        if data.startswith(bom):
            return DecodedText(_decode(data, len(bom), encoding, what), encoding)
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(_decode(data, len(codecs.BOM_UTF8), "utf-8", what), "utf-8-sig")
    return DecodedText(_decode(data, 0, "utf-8", what), "utf-8")


def read_text(data: bytes, what: str) -> str:
    """The text of a user file: UTF-8 (BOM optional) or UTF-16 with BOM, BOM removed."""
    return decode_text(data, what).text


def text_lines(text: str) -> list[str]:
    """Split on LF only, dropping a CR before it, so line numbers match what editors show.

    (`str.splitlines` also splits on form feeds, U+2028 and friends, which shifts numbers.)
    """
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()  # a final newline does not start another line
    return lines


def _decode(data: bytes, start: int, encoding: str, what: str) -> str:
    try:
        text = data[start:].decode(encoding)
    except UnicodeDecodeError as error:
        offset = start + error.start
        where = f"line {_line_of(data, offset)}, " if encoding == "utf-8" else ""
        raise TextEncodingError(
            f"{what}: not valid {encoding.upper()} at byte offset {offset} "
            f"({where}byte 0x{data[offset]:02x}); "
            "save the file as UTF-8 (latin-1/cp1252 text is not accepted)"
        ) from error
    nul = text.find("\x00")
    if nul >= 0:
        # Valid UTF-8 full of NULs is almost always UTF-16/32 saved without a BOM.
        raise TextEncodingError(
            f"{what}: NUL character at character {nul} (UTF-16 or UTF-32 without BOM?); "
            "save the file as UTF-8"
        )
    return text


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


_CSV_QUOTES = re.compile(r'\w""\w')


def suspicious_text_note(text: str) -> str:
    """A note for text that is valid UTF-8 but probably damaged upstream, else "".

    Both occur in the official samples: "pokÃ©mon" (UTF-8 decoded as cp1252 and saved again)
    and `i""ll` (a CSV export's doubled quote). Kept as written; the user should fix them.
    """
    if any(marker in text for marker in "ÃÂâ"):
        try:
            repaired = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            repaired = text
        if repaired != text:
            return f"looks double-encoded (mojibake): did you mean {repaired!r}?"
    if _CSV_QUOTES.search(text):
        return "doubled quote inside a word (CSV escaping left in?)"
    return ""
