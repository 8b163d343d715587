"""Language datasets (plain text): one sentence per line, for language model training.

Rejected lines, each reported: lines containing a URI, and lines repeating a character, word
or word group more than 3 times in a row (Azure drops those; they skew the n-gram counts).
Blank lines are skipped and counted. Duplicate sentences are kept: frequency is information.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voxtune.data.kind import DatasetKind
from voxtune.data.report import DatasetReport, ReportBuilder
from voxtune.data.textio import decode_text, suspicious_text_note, text_lines
from voxtune.errors import DatasetError
from voxtune.text import normalize_lexical

MAX_LANGUAGE_BYTES = 200 * 1024 * 1024  # Azure: 200 MB per plain-text file (free tier)
MAX_REPEATS = 3  # "more than 3 times" is rejected
_URI = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://\S+|www\.[a-z0-9-]+\.\S+|mailto:\S+)")
# A letter repeated 4+ times ("aaaa"); digits are exempt because "10000" is a fine number.
_CHAR_RUN = re.compile(rf"([^\W\d_])\1{{{MAX_REPEATS},}}")
_EDGE_PUNCT = "\"'.,;:!?()[]{}«»“”‘’¿¡-"


@dataclass(frozen=True)
class Sentence:
    text: str  # as written, surrounding whitespace removed
    normalized: str  # lexical form for the language model
    line: int


@dataclass(frozen=True)
class LanguageDataset:
    sentences: tuple[Sentence, ...]
    report: DatasetReport


def parse_language(data: bytes, name: str = "text.txt", locale: str = "en-US") -> LanguageDataset:
    """Parse a plain-text dataset; DatasetError if it is too large or has no text at all."""
    if len(data) > MAX_LANGUAGE_BYTES:
        raise DatasetError(f"{name} is {len(data)} bytes; the limit is {MAX_LANGUAGE_BYTES}")
    decoded = decode_text(data, name)
    if not decoded.text.strip():
        raise DatasetError(f"{name} is empty")
    report = ReportBuilder(DatasetKind.LANGUAGE)
    if decoded.lenient_note:
        report.note(f"{name}: {decoded.lenient_note}")
    sentences: list[Sentence] = []
    for number, raw in enumerate(text_lines(decoded.text), start=1):
        text = raw.strip()
        if not text:
            report.skip()
            continue
        reason = sentence_problem(text)
        normalized = "" if reason else normalize_lexical(text, locale)
        if not reason and not normalized.strip():
            reason = "no words after normalization"
        if reason:
            report.reject(name, reason, number)
            continue
        report.accept(name, suspicious_text_note(text), number)
        sentences.append(Sentence(text, normalized, number))
    return LanguageDataset(tuple(sentences), report.build())


def sentence_problem(text: str) -> str:
    """Why Azure would drop this line of training text, or "" when it is fine."""
    uri = _URI.search(text)
    if uri:
        return f"contains a URI ({uri.group(0)[:60]})"
    run = _CHAR_RUN.search(text)
    if run:
        return f"repeats the character '{run.group(1)}' more than {MAX_REPEATS} times"
    words = [w.strip(_EDGE_PUNCT).casefold() for w in text.split()]
    group = repeated_group([w for w in words if w])
    if group:
        return f"repeats '{' '.join(group)}' more than {MAX_REPEATS} times in a row"
    return ""


def repeated_group(words: list[str]) -> tuple[str, ...]:
    """The first word group (1+ words) that occurs more than MAX_REPEATS times back to back."""
    times = MAX_REPEATS + 1
    for size in range(1, len(words) // times + 1):
        for start in range(len(words) - size * times + 1):
            group = words[start : start + size]
            if all(
                words[start + k * size : start + (k + 1) * size] == group for k in range(1, times)
            ):
                return tuple(group)
    return ()
