"""OutputFormatting datasets: display-format rules in sections #itn, #rewrite, #profanity, #test.

Parsed and validated only (the ITN engine that applies them lives in voxtune.text). Section
headers are matched case-insensitively with or without a space (`# itn`, `#ITN`); `//` lines
are comments. Lines outside a known section, malformed lines and lines beyond the Azure limits
(200 patterns, 1,000 rewrites, 1,000 profanity phrases) are rejected entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from voxtune.data.itn_syntax import check_itn_pattern
from voxtune.data.kind import DatasetKind
from voxtune.data.report import DatasetReport, ReportBuilder
from voxtune.data.textio import decode_text, text_lines
from voxtune.errors import DatasetError, FormattingRuleError

MAX_FORMATTING_BYTES = 10 * 1024 * 1024  # Azure: 10 MB
# A header is '#' plus a word; '#\d\d' inside #itn is a pattern, not a header.
_HEADER = re.compile(r"^#\s*[A-Za-z]+$")
SECTION_LIMITS = {"itn": 200, "rewrite": 1000, "profanity": 1000, "test": None}


@dataclass(frozen=True)
class ItnPattern:
    pattern: str  # as written; syntax-checked
    line: int


@dataclass(frozen=True)
class Rewrite:
    original: str  # matched case-insensitively, ignoring grammar punctuation
    replacement: str
    line: int


@dataclass(frozen=True)
class ProfanityPhrase:
    phrase: str
    line: int


@dataclass(frozen=True)
class FormattingTest:
    lexical: str  # recognizer output to format
    expected: str  # the display text the rules must produce
    line: int


@dataclass(frozen=True)
class FormattingRules:
    itn: tuple[ItnPattern, ...] = ()
    rewrites: tuple[Rewrite, ...] = ()
    profanity: tuple[ProfanityPhrase, ...] = ()
    tests: tuple[FormattingTest, ...] = ()


@dataclass(frozen=True)
class OutputFormattingDataset:
    rules: FormattingRules
    report: DatasetReport


@dataclass
class _Collected:
    itn: list[ItnPattern] = field(default_factory=list)
    rewrite: list[Rewrite] = field(default_factory=list)
    profanity: list[ProfanityPhrase] = field(default_factory=list)
    test: list[FormattingTest] = field(default_factory=list)
    seen: dict[str, dict[str, int]] = field(default_factory=dict)  # section -> key -> line

    def count(self, section: str) -> int:
        return len(getattr(self, section))


def parse_output_formatting(
    data: bytes, name: str = "display-format.md"
) -> OutputFormattingDataset:
    """Parse display-format rules; DatasetError if the file is too large or empty."""
    if len(data) > MAX_FORMATTING_BYTES:
        raise DatasetError(f"{name} is {len(data)} bytes; the limit is {MAX_FORMATTING_BYTES}")
    decoded = decode_text(data, name)
    if not decoded.text.strip():
        raise DatasetError(f"{name} is empty")
    report = ReportBuilder(DatasetKind.OUTPUT_FORMATTING)
    if decoded.lenient_note:
        report.note(f"{name}: {decoded.lenient_note}")
    collected = _Collected()
    section: str | None = None
    for number, raw in enumerate(text_lines(decoded.text), start=1):
        line = raw.strip()
        if not line or line.startswith("//"):
            report.skip()
        elif _HEADER.match(line):
            section = line[1:].strip().lower()
            if section in SECTION_LIMITS:
                report.skip()
            else:
                report.reject(name, f"unknown section '{line}' (#itn, #rewrite, ...)", number)
        elif section is None or section not in SECTION_LIMITS:
            report.reject(
                name, "outside a known section (#itn, #rewrite, #profanity, #test)", number
            )
        else:
            reason = _add_rule(collected, section, line, number)
            if reason:
                report.reject(name, reason, number)
            else:
                report.accept(name)
    rules = FormattingRules(
        tuple(collected.itn),
        tuple(collected.rewrite),
        tuple(collected.profanity),
        tuple(collected.test),
    )
    return OutputFormattingDataset(rules, report.build())


def _add_rule(collected: _Collected, section: str, line: str, number: int) -> str:
    """Add one rule line to its section; the reason to reject it, or "" when added."""
    limit = SECTION_LIMITS[section]
    if limit is not None and collected.count(section) >= limit:
        return f"more than {limit} lines in #{section}"
    key = line.casefold() if section != "rewrite" else line.partition("\t")[0].strip().casefold()
    first = collected.seen.setdefault(section, {}).get(key)
    if first is not None:
        return f"duplicate of line {first} in #{section}"
    if section == "itn":
        try:
            check_itn_pattern(line)
        except FormattingRuleError as error:
            return f"bad #itn pattern: {error.message}"
        collected.itn.append(ItnPattern(line, number))
    elif section == "profanity":
        collected.profanity.append(ProfanityPhrase(line, number))
    else:
        left, tab, right = line.partition("\t")
        left, right = left.strip(), right.strip()
        if not tab or not left or not right or "\t" in right:
            what = "original<TAB>replacement" if section == "rewrite" else "lexical<TAB>expected"
            return f"expected '{what}' in #{section}"
        if section == "rewrite":
            collected.rewrite.append(Rewrite(left, right, number))
        else:
            collected.test.append(FormattingTest(left, right, number))
    collected.seen[section][key] = number
    return ""
