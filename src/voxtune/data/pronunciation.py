"""Pronunciation datasets: `display form<TAB>spoken form` per line (e.g. `3CPO<TAB>three c p o`).

The spoken form is a sequence of words (letters, apostrophes, hyphens), lowercased: numbers
must be written out, because the spoken form is what the recognizer says. Several spoken forms
for one display form are kept; an exact duplicate line is rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voxtune.data.kind import DatasetKind
from voxtune.data.report import DatasetReport, ReportBuilder
from voxtune.data.textio import decode_text, text_lines
from voxtune.errors import DatasetError

MAX_PRONUNCIATION_BYTES = 1024 * 1024  # Azure: 1 MB
_SPOKEN_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass(frozen=True)
class Pronunciation:
    display: str  # as it should appear in the display text
    spoken: tuple[str, ...]  # the words that are spoken, lowercase
    line: int


@dataclass(frozen=True)
class PronunciationDataset:
    entries: tuple[Pronunciation, ...]
    report: DatasetReport


def parse_pronunciation(data: bytes, name: str = "pronunciation.txt") -> PronunciationDataset:
    """Parse a pronunciation file; DatasetError if it is over 1 MB or empty."""
    if len(data) > MAX_PRONUNCIATION_BYTES:
        raise DatasetError(f"{name} is {len(data)} bytes; the limit is {MAX_PRONUNCIATION_BYTES}")
    decoded = decode_text(data, name)
    if not decoded.text.strip():
        raise DatasetError(f"{name} is empty")
    report = ReportBuilder(DatasetKind.PRONUNCIATION)
    if decoded.lenient_note:
        report.note(f"{name}: {decoded.lenient_note}")
    entries: list[Pronunciation] = []
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    for number, raw in enumerate(text_lines(decoded.text), start=1):
        if not raw.strip():
            report.skip()
            continue
        entry = _parse_line(raw, number)
        if isinstance(entry, str):
            report.reject(name, entry, number)
            continue
        key = (entry.display, entry.spoken)
        if key in seen:
            report.reject(name, f"duplicate of line {seen[key]}", number)
            continue
        seen[key] = number
        entries.append(entry)
        report.accept(name)
    return PronunciationDataset(tuple(entries), report.build())


def _parse_line(raw: str, number: int) -> Pronunciation | str:
    """The entry on one line, or the reason it is rejected."""
    display, tab, spoken = raw.partition("\t")
    display, spoken = display.strip(), spoken.strip()
    if not tab:
        return "expected 'display form<TAB>spoken form' (no TAB)"
    if "\t" in spoken:
        return "more than one TAB"
    if not display or not spoken:
        return "empty display form" if not display else "empty spoken form"
    words = tuple(spoken.lower().split())
    bad = [word for word in words if not _SPOKEN_WORD.fullmatch(word)]
    if bad:
        return f"spoken form must be words (write numbers and symbols out): {bad[0]!r}"
    return Pronunciation(display, words, number)
