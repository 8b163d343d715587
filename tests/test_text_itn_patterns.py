"""#itn display-format patterns: compiled from the dataset syntax, applied after built-in ITN."""

from __future__ import annotations

import time

import pytest

from conftest import SHARED_DATA
from voxtune.data import parse_output_formatting
from voxtune.errors import FormattingRuleError
from voxtune.text.itn_patterns import (
    MAX_NESTING,
    CharClass,
    Group,
    Literal,
    Space,
    Spoken,
    apply_itn_rules,
    compile_itn_rule,
)

SAMPLE = SHARED_DATA / "azure-samples/en-US/display-formatting/training/data_display-format.txt"


def _apply(pattern: str, text: str) -> str:
    return apply_itn_rules(text, [compile_itn_rule(pattern)])


def test_the_official_sample_patterns_compile() -> None:
    rules = parse_output_formatting(SAMPLE.read_bytes(), SAMPLE.name).rules
    patterns = [compile_itn_rule(itn.pattern).pattern for itn in rules.itn]
    assert patterns == ["cat-\\d", "\\d\\d{to>-}\\d\\d {K>cadence}"]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("cat-\\d", "do you like cat 9", "do you like cat-9"),
        ("cat-\\d", "do you like dog 9", "do you like dog 9"),
        ("\\d\\d{to>-}\\d\\d {K>cadence}", "20 to 30 k", "20-30 cadence"),
        ("\\d\\d{to>-}\\d\\d {K>cadence}", "30 to 40 k", "30-40 cadence"),
        ("\\d\\d{to>-}\\d\\d {K>cadence}", "twenty to thirty K", "twenty to thirty K"),
    ],
)
def test_official_sample_cases(pattern: str, text: str, expected: str) -> None:
    assert _apply(pattern, text) == expected


def test_compiled_atoms() -> None:
    rule = compile_itn_rule("a\\d (b|\\?)+{to>-}")
    group = Group(((Literal("b"),), (Literal("?"),)), 1, None)
    assert rule.atoms == (Literal("a"), CharClass("d"), Space(), group, Spoken(("to",), "-"))


@pytest.mark.parametrize(
    "text",
    [
        "concat 9",  # the match would start inside a token
        "cat 99",  # ... or end inside one
        "cats 9",
        "cat nine",
        "cat",
    ],
)
def test_matches_never_start_or_end_inside_a_token(text: str) -> None:
    assert _apply("cat-\\d", text) == text


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("cat-\\d", "cat-9", "cat-9"),  # punctuation heard is consumed, written once
        ("cat-\\d", "cat - 9", "cat-9"),
        ("\\d\\d\\d", "5 5 5", "555"),  # spaces between atoms are not written
        ("\\d\\d\\d", "555", "555"),
        ("\\d\\d\\d-\\d\\d\\d\\d", "call 555 1212 now", "call 555-1212 now"),
        ("\\d\\d\\d-\\d\\d\\d\\d", "5551212", "555-1212"),
        ("\\d\\d\\d-\\d\\d\\d\\d", "555 121", "555 121"),
        ("\\d\\ ", "5 ", "5 "),  # a match never ends on a space
    ],
)
def test_token_boundaries_between_atoms(pattern: str, text: str, expected: str) -> None:
    assert _apply(pattern, text) == expected


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        # literal letters: heard case-insensitively, written as in the pattern
        ("NASA", "the n a s a site", "the NASA site"),
        ("NASA", "nasa", "NASA"),
        ("NASA", "nsa", "nsa"),
        # literal punctuation: optional in the input, always written
        ("\\d\\d%", "50 off", "50% off"),
        ("\\d\\d%", "50 % off", "50% off"),
        # a literal space needs a token boundary and writes one space
        ("\\d \\d", "5 5", "5 5"),
        ("\\d \\d", "55", "55"),
        ("X  \\d", "x 5", "X 5"),  # a run of spaces is one boundary
        # escapes: \x is the literal x
        ("\\d\\k", "5 k", "5k"),
        ("\\(\\d\\)", "5", "(5)"),
        ("\\d\\ \\d", "56", "56"),  # an escaped space is a space
        # classes
        ("\\d\\d", "a 5", "a 5"),
        ("\\u\\u\\d", "a b 7", "AB7"),
        ("\\l\\l", "A B", "ab"),
        ("\\a\\a", "A b", "Ab"),
        ("\\a\\a", "a 5", "a 5"),
        # character sets: one character, case-insensitive for letters, written as heard
        ("[5-7]\\d", "6 0", "60"),
        ("[5-7]\\d", "8 0", "8 0"),
        ("[a-cx]-\\d", "B 1 x 2 d 3", "B-1 x-2 d 3"),
    ],
)
def test_atoms(pattern: str, text: str, expected: str) -> None:
    assert _apply(pattern, text) == expected


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("\\d\\d{per cent>%}", "50 per cent", "50%"),  # several spoken words
        ("\\d\\d{per cent>%}", "50 percent", "50 percent"),
        ("\\d{to>-}\\d", "5 tomorrow 6", "5 tomorrow 6"),  # whole tokens only
        ("\\d{to>-}\\d", "5 TO 6", "5-6"),
        ("x{to>-}\\d", "xto 6", "xto 6"),  # a spoken word starts a token
        ("\\d{to>}\\d", "5 to 6", "56"),  # an empty written form
        ("x{to> to }\\d", "x to 6", "x to 6"),
    ],
)
def test_spoken_to_written(pattern: str, text: str, expected: str) -> None:
    assert _apply(pattern, text) == expected


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("call {please} \\d\\d\\d", "call please 555", "call 555"),
        ("{uh}hello", "say uh hello", "say hello"),
        ("{uh}hello", "say hello", "say hello"),
        ("{um}", "um so um um yes um", "so yes"),
        ("{um}", "um", ""),
        ("{you know}", "it is you know fine", "it is fine"),
    ],
)
def test_recognized_words_are_dropped_without_double_spaces(
    pattern: str, text: str, expected: str
) -> None:
    assert _apply(pattern, text) == expected


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("(AB|CD)-\\d", "ab 5 cd 6 ef 7", "AB-5 CD-6 ef 7"),
        ("v(\\d)?", "v 8", "v8"),
        ("v(\\d)?", "v x", "v x"),
        ("\\d\\d(%)?", "50 % off", "50% off"),
        ("\\d\\d(%)?", "50 off", "50 off"),  # an optional group is written only if heard
        ("id-(\\d)+", "id 1 2 3", "id-123"),
        ("id-(\\d)+", "id x", "id x"),
        ("x(\\d)*", "x 1 2", "x12"),
        ("x(\\d)*y", "x y", "xy"),
        ("(\\d)+5", "1 2 5", "125"),  # greedy, then backtracks to give '5' its digit
        ("((a|b)c)+", "a c b c a c", "acbcac"),
        ("(\\d)+(%)+", "5 0", "50%"),  # a required group is written even if not heard
    ],
)
def test_groups_and_quantifiers(pattern: str, text: str, expected: str) -> None:
    assert _apply(pattern, text) == expected


def test_the_longest_match_wins_over_the_first_alternative() -> None:
    assert _apply("room (\\d|\\d\\d)", "room 4 5") == "room 45"


def test_matches_do_not_overlap_and_scanning_resumes_after_each() -> None:
    assert _apply("\\d\\d", "1 2 3 4 5") == "12 34 5"


def test_spaces_around_matches_stay_as_they_were() -> None:
    assert _apply("cat-\\d", " a  cat 9  b ") == " a  cat-9  b "


def test_rules_apply_in_order_each_seeing_the_previous_output() -> None:
    one = compile_itn_rule("{one>1}")
    dash = compile_itn_rule("\\d-\\d")
    assert apply_itn_rules("one 2", [one, dash]) == "1-2"
    assert apply_itn_rules("one 2", [dash, one]) == "1 2"
    assert apply_itn_rules("one 2", []) == "one 2"


def test_a_pathological_pattern_finishes_quickly() -> None:
    nested = compile_itn_rule("((\\d)*)*x")  # exponentially many ways to split the digits
    text = "1 " * 60 + "y"
    began = time.perf_counter()
    assert apply_itn_rules(text, [nested]) == text
    assert time.perf_counter() - began < 5


def test_one_bad_position_does_not_stop_other_matches() -> None:
    nested = compile_itn_rule("((\\d)*)*x")
    dash = compile_itn_rule("\\d-\\d")
    assert apply_itn_rules("1 " * 19 + "y", [nested, dash]) == "1-1 " * 9 + "1 y"


def test_running_out_of_steps_means_no_match() -> None:
    rule = compile_itn_rule("cat-\\d")
    assert apply_itn_rules("cat 9", [rule], max_steps=3) == "cat 9"
    assert apply_itn_rules("cat 9", [rule], max_steps=100) == "cat-9"


def test_a_long_match_does_not_hit_the_recursion_limit() -> None:
    assert _apply("(\\a)+-", "a" * 2000 + " b c") == "a" * 2000 + "bc-"


@pytest.mark.parametrize(
    "pattern",
    ["", "  ", "(ab", "a)", "\\d+", "a|b", "()", "[9-1]", "[5-7", "{a", "{>b}", "ab\\"],
)
def test_malformed_patterns_are_rejected(pattern: str) -> None:
    with pytest.raises(FormattingRuleError):
        compile_itn_rule(pattern)


def test_too_deeply_nested_groups_are_rejected() -> None:
    depth = MAX_NESTING + 1
    with pytest.raises(FormattingRuleError, match="nested deeper"):
        compile_itn_rule("(" * depth + "a" + ")" * depth)
    compile_itn_rule("(" * MAX_NESTING + "a" + ")" * MAX_NESTING)
