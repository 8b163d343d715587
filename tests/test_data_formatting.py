"""OutputFormatting (display-format rules): sections, line shapes, limits, #itn syntax."""

from __future__ import annotations

import pytest

from voxtune.data import OutputFormattingDataset, parse_output_formatting
from voxtune.data.itn_syntax import check_itn_pattern
from voxtune.errors import DatasetError, FormattingRuleError

RULES = """\
// rules
#ITN
JO:500
(AB|CD)-\\d+
# rewrite
end to end\tE2E
#profanity
fake word
# Test
do you like cat nine\tDo you like cat-9
"""


def _parse(text: str) -> OutputFormattingDataset:
    return parse_output_formatting(text.encode(), "f.md")


def _reasons(parsed: OutputFormattingDataset) -> dict[int | None, str]:
    return {entry.line: entry.reason for entry in parsed.report.rejected_entries}


def test_bad_pattern_is_reported_with_its_column() -> None:
    reason = "bad #itn pattern: '+' must follow a group, e.g. (\\d)+; escape it as \\+ (column 11)"
    assert _reasons(_parse(RULES)) == {4: reason}


def test_good_rules() -> None:
    parsed = _parse(RULES.replace("(AB|CD)-\\d+", "(AB|CD)-(\\d)+"))
    rules = parsed.rules
    assert [p.pattern for p in rules.itn] == ["JO:500", "(AB|CD)-(\\d)+"]
    assert [(r.original, r.replacement) for r in rules.rewrites] == [("end to end", "E2E")]
    assert [p.phrase for p in rules.profanity] == ["fake word"]
    assert [(t.lexical, t.expected, t.line) for t in rules.tests] == [
        ("do you like cat nine", "Do you like cat-9", 10)
    ]
    assert (parsed.report.accepted, parsed.report.rejected, parsed.report.skipped) == (5, 0, 5)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("orphan\n", 1, "outside a known section (#itn, #rewrite, #profanity, #test)"),
        ("#spelling\nfoo\n", 1, "unknown section '#spelling' (#itn, #rewrite, ...)"),
        ("#spelling\nfoo\n", 2, "outside a known section (#itn, #rewrite, #profanity, #test)"),
        ("#rewrite\nno tab\n", 2, "expected 'original<TAB>replacement' in #rewrite"),
        ("#rewrite\na\tb\tc\n", 2, "expected 'original<TAB>replacement' in #rewrite"),
        ("#rewrite\nA b\tx\na B\ty\n", 3, "duplicate of line 2 in #rewrite"),
        ("#test\nonly lexical\n", 2, "expected 'lexical<TAB>expected' in #test"),
        ("#profanity\nbad\nBAD\n", 3, "duplicate of line 2 in #profanity"),
        ("#itn\n(AB\n", 2, "bad #itn pattern: unclosed '(' (column 1)"),
    ],
)
def test_bad_lines(text: str, line: int, reason: str) -> None:
    assert _reasons(_parse(text))[line] == reason


def test_hash_pattern_inside_itn_is_not_a_header() -> None:
    parsed = _parse("#itn\n#\\d\\d\n")
    assert [p.pattern for p in parsed.rules.itn] == ["#\\d\\d"]


def test_section_limits() -> None:
    text = "#itn\n" + "".join(f"X{i}\n" for i in range(201))
    parsed = _parse(text)
    assert len(parsed.rules.itn) == 200
    assert _reasons(parsed) == {202: "more than 200 lines in #itn"}
    rewrites = _parse("#rewrite\n" + "".join(f"w{i}\tW{i}\n" for i in range(1001)))
    assert len(rewrites.rules.rewrites) == 1000 and rewrites.report.rejected == 1


@pytest.mark.parametrize(
    "pattern",
    [
        "JO:500",
        "cat-\\d",
        "\\d\\d{to>-}\\d\\d {K>cadence}",
        "(AB|CD)?-(\\d)+(x)*",
        "[5-7]\\u\\l\\a",
        "{uh}hello",
        "a\\?b\\(c\\)",
        "((a|b)c)+",
    ],
)
def test_valid_itn_patterns(pattern: str) -> None:
    check_itn_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("a)", "unmatched ')' (column 2)"),
        ("(a", "unclosed '(' (column 1)"),
        ("()", "empty group or alternative (column 1)"),
        ("(a|)", "empty alternative (column 3)"),
        ("a|b", "'|' outside a group; write (A|B) (column 2)"),
        ("a?", "'?' must follow a group, e.g. (\\d)?; escape it as \\? (column 2)"),
        ("(a)+*", "'*' must follow a group, e.g. (\\d)*; escape it as \\* (column 5)"),
        ("[5-7", "unclosed '[' (column 1)"),
        ("[]", "empty or nested character range (column 1)"),
        ("[7-5]", "reversed range 7-5 (column 2)"),
        ("a]", "unmatched ']' (column 2)"),
        ("{a>b", "unclosed '{' (column 1)"),
        ("{>b}", "empty spoken form in '{...}' (column 1)"),
        ("{a>b>c}", "more than one '>' in '{spoken>written}' (column 1)"),
        ("{a{b}}", "nested '{' (column 1)"),
        ("x}", "unmatched '}' (column 2)"),
        ("ab\\", "trailing backslash (column 3)"),
        ("  ", "empty pattern"),
    ],
)
def test_invalid_itn_patterns(pattern: str, message: str) -> None:
    with pytest.raises(FormattingRuleError) as error:
        check_itn_pattern(pattern)
    assert error.value.message == message


def test_empty_file_is_a_dataset_error() -> None:
    with pytest.raises(DatasetError, match="is empty"):
        parse_output_formatting(b"")
