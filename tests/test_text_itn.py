"""Inverse text normalization: a table per rule, then round trips through voxtune.text.numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voxtune.text.itn import inverse_normalize
from voxtune.text.numbers import (
    cardinal_words,
    decimal_words,
    digit_words,
    ordinal_words,
    year_words,
)

CASES = {
    "cardinals": [
        ("remind me to buy five pencils", "remind me to buy 5 pencils"),
        ("two hundred fifty one", "251"),
        ("one hundred five", "105"),
        ("one thousand two hundred", "1200"),
        ("nine thousand nine hundred ninety nine", "9999"),
        ("ten thousand", "10,000"),
        ("twelve thousand", "12,000"),
        ("three million", "3,000,000"),
        ("two billion three hundred thousand", "2,000,300,000"),
        ("one hundred and five", "105"),
        ("one thousand and one nights", "1001 nights"),
        ("one hundred and five thousand", "105,000"),
        ("a hundred", "100"),
        ("a thousand", "1000"),
        ("a million", "1,000,000"),
        ("a hundred and five", "105"),
        ("twenty five hundred", "2500"),
        ("nineteen hundred five", "1905"),
    ],
    "cardinals that stay apart": [
        ("five hundred six hundred", "500 600"),
        ("one thousand two thousand", "1000 2000"),
        ("two thousand and five hundred", "2000 and 500"),
        ("three and four", "3 and 4"),
        ("one hundred and counting", "100 and counting"),
        ("twelve hundred thousand", "1200 thousand"),  # "nineteen hundred" takes no scale
        ("one thousand twelve hundred", "1000 1200"),  # ... and follows none
        ("ten hundred", "10 hundred"),
        ("one thousand a hundred", "1000 100"),  # "a" only starts a number
    ],
    "words that stay": [
        ("", ""),
        ("   ", ""),
        ("to for too won ate", "to for too won ate"),
        ("don't b 4x4 21st", "don't b 4x4 21st"),
        ("a dollar", "a dollar"),
        ("hundreds of thousands", "hundreds of thousands"),
        ("a hundred", "100"),
        ("hundred", "hundred"),
        ("the thousand islands", "the thousand islands"),
        ("a hundredth of a second", "a hundredth of a second"),
        ("and", "and"),
        ("  spaced\tout \n words ", "spaced out words"),
    ],
    "one": [
        ("no one", "no one"),
        ("one of them", "one of them"),
        ("this one", "this one"),
        ("one", "one"),
        ("one hundred", "100"),
        ("one thousand one", "1001"),
        ("one percent", "1%"),
        ("one dollar", "$1"),
        ("one cent", "1 cent"),
        ("minus one", "-1"),
        ("one point five", "1.5"),
        ("wait one second", "wait one second"),
    ],
    "single number words": [
        ("nine", "9"),
        ("zero", "0"),
        ("ten", "10"),
        ("eleven", "11"),
        ("twenty", "20"),
        ("ninety nine", "99"),
        ("at nine tomorrow", "at 9 tomorrow"),
    ],
    "digit sequences": [
        ("four one two", "412"),
        ("five five five one two one two", "5551212"),
        ("one two three", "123"),
        ("zero zero seven", "007"),
        ("five oh one", "501"),
        ("five oh oh one", "5001"),
        ("nine one one", "911"),
        ("oh", "oh"),
        ("oh no", "oh no"),
        ("oh five", "oh 5"),  # "oh" needs a digit on either side
        ("five oh", "5 oh"),
        ("oh oh seven", "oh oh 7"),
        ("twenty one two", "21 2"),  # cardinals are read greedily
        ("twenty one two three", "21 23"),
        ("one hundred five six", "105 6"),
        ("five five hundred", "5 500"),  # "hundred" takes the last digit
        ("five oh one hundred", "5 oh 100"),
    ],
    "years": [
        ("nineteen sixty", "1960"),
        ("nineteen eighty four", "1984"),
        ("twenty twenty four", "2024"),
        ("twenty ten", "2010"),
        ("twenty thirty", "2030"),
        ("nineteen oh five", "1905"),
        ("twenty oh five", "2005"),
        ("nineteen hundred", "1900"),
        ("eleven hundred", "1100"),
        ("ten sixty six", "1066"),
        ("two thousand five", "2005"),
        ("in nineteen ninety nine we", "in 1999 we"),
        ("nineteen five", "19 5"),  # the second half must have two digits
        ("nineteen oh", "19 oh"),
    ],
    "ordinals": [
        ("twelfth", "12th"),
        ("twenty first", "21st"),
        ("twenty first century", "21st century"),
        ("one hundred third", "103rd"),
        ("eleventh", "11th"),
        ("twelfth night", "12th night"),
        ("thirteenth", "13th"),
        ("third", "3rd"),
        ("fourth", "4th"),
        ("twentieth", "20th"),
        ("one hundred eleventh", "111th"),
        ("one hundred twentieth", "120th"),
        ("one hundredth", "100th"),
        ("one thousandth", "1000th"),
        ("one millionth", "1,000,000th"),
        ("zeroth", "0th"),
        ("twenty second", "22nd"),
        ("forty second street", "42nd street"),
        ("the second", "the 2nd"),
        ("the first", "the 1st"),
        ("march second", "march 2nd"),
        ("january first", "january 1st"),
        ("the twenty second", "the 22nd"),
    ],
    "first and second that stay": [
        ("second", "second"),
        ("first", "first"),
        ("wait a second", "wait a second"),
        ("first of all", "first of all"),
        ("a second opinion", "a second opinion"),
        ("five second delay", "5 second delay"),  # a number before it, but not part of it
        ("minus first", "minus first"),
    ],
    "decimals": [
        ("three point one four", "3.14"),
        ("point five", "0.5"),
        ("zero point five", "0.5"),
        ("three point five zero", "3.50"),
        ("point oh five", "0.05"),
        ("twelve thousand point five", "12,000.5"),
        ("one point five million", "1.5 million"),
        ("the point is", "the point is"),
        ("point", "point"),
        ("point oh", "point oh"),
        ("three point", "3 point"),
    ],
    "negatives": [
        ("minus five", "-5"),
        ("minus two point five", "-2.5"),
        ("minus point five", "-0.5"),
        ("minus twelve thousand", "-12,000"),
        ("minus", "minus"),
        ("minus x", "minus x"),
        ("minus minus five", "minus -5"),
        ("minus nineteen eighty four", "minus 1984"),  # a year has no sign
    ],
    "percent": [
        ("fifty percent", "50%"),
        ("three point five percent", "3.5%"),
        ("minus five percent", "-5%"),
        ("a hundred percent", "100%"),
        ("percent", "percent"),
    ],
    "currency": [
        ("five dollars", "$5"),
        ("a hundred dollars", "$100"),
        ("a million dollars", "$1,000,000"),
        ("twelve thousand dollars", "$12,000"),
        ("five dollars and five cents", "$5.05"),
        ("five dollars fifty cents", "$5.50"),
        ("one dollar and one cent", "$1.01"),
        ("minus five dollars", "-$5"),
        ("three point five dollars", "$3.5"),
        ("fifty cents", "50 cents"),
        ("a dollar", "a dollar"),
        ("dollars", "dollars"),
        ("five dollars and two hundred cents", "$5 and 200 cents"),
        ("five dollars and fifty", "$5 and 50"),
    ],
}


@pytest.mark.parametrize(
    ("lexical", "written"),
    [
        pytest.param(lexical, written, id=f"{rule}: {lexical!r}")
        for rule, cases in CASES.items()
        for lexical, written in cases
    ],
)
def test_inverse_normalize(lexical: str, written: str) -> None:
    assert inverse_normalize(lexical) == written


def _grouped(n: int) -> str:
    return f"{n:,}" if n >= 10_000 else str(n)


def _ordinal(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return f"{_grouped(n)}th"
    return _grouped(n) + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


@settings(max_examples=500, deadline=None)
@given(n=st.integers(0, 10**12))
def test_cardinals_round_trip(n: int) -> None:
    written = "one" if n == 1 else _grouped(n)
    assert inverse_normalize(cardinal_words(n)) == written
    assert inverse_normalize(f"buy {cardinal_words(n)} pencils") == f"buy {written} pencils"
    assert inverse_normalize(f"minus {cardinal_words(n)}") == f"-{_grouped(n)}"
    assert inverse_normalize(f"{cardinal_words(n)} percent") == f"{_grouped(n)}%"


@pytest.mark.parametrize("n", [*range(1000), *range(1000, 10**6, 997)])
def test_small_cardinals_round_trip(n: int) -> None:
    assert inverse_normalize(f"{cardinal_words(n)} dollars") == f"${_grouped(n)}"


@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 10**12))
def test_ordinals_round_trip(n: int) -> None:
    assert inverse_normalize(f"the {ordinal_words(n)}") == f"the {_ordinal(n)}"
    if n not in (1, 2):  # "first" and "second" alone need "the" or a month
        assert inverse_normalize(ordinal_words(n)) == _ordinal(n)


def test_years_round_trip() -> None:
    # Every year 1000..2999 as numbers.py reads it: in pairs (1100-1999, 2010-2099), else as
    # a cardinal ("two thousand five", "one thousand sixty six"). None is ambiguous.
    for year in range(1000, 3000):
        assert inverse_normalize(f"in {year_words(year)} we") == f"in {year} we", year


@settings(max_examples=300, deadline=None)
@given(
    sign=st.sampled_from(["", "-"]),
    whole=st.none() | st.integers(0, 10**12),
    fraction=st.text(alphabet="0123456789", min_size=1, max_size=8),
)
def test_decimals_round_trip(sign: str, whole: int | None, fraction: str) -> None:
    number = f"{sign}{'' if whole is None else whole}.{fraction}"
    written = f"{sign}{'0' if whole is None else _grouped(whole)}.{fraction}"
    assert inverse_normalize(decimal_words(number)) == written


@settings(max_examples=300, deadline=None)
@given(digits=st.text(alphabet="0123456789", min_size=2, max_size=20))
def test_digit_strings_round_trip(digits: str) -> None:
    assert inverse_normalize(f"call {digit_words(digits)} now") == f"call {digits} now"


@settings(max_examples=300, deadline=None)
@given(dollars=st.integers(0, 10**9), cents=st.integers(0, 99), joined=st.booleans())
def test_dollars_and_cents_round_trip(dollars: int, cents: int, joined: bool) -> None:
    lexical = f"{cardinal_words(dollars)} dollars {'and ' if joined else ''}"
    lexical += f"{cardinal_words(cents)} cents"
    assert inverse_normalize(lexical) == f"${_grouped(dollars)}.{cents:02d}"


def test_a_long_digit_run_is_one_string() -> None:
    # Never through int(): Python refuses to convert more than 4300 digits.
    assert inverse_normalize("nine " * 5000) == "9" * 5000
    assert inverse_normalize("point " + "five " * 5000) == "0." + "5" * 5000


# Words that are not numbers, or number words that cannot make a number on their own here.
_NOT_NUMBERS = [
    "to", "for", "too", "won", "ate", "tree", "oh", "point", "minus", "and", "first", "second",
    "percent", "dollars", "cents", "hundred", "thousand", "hundreds", "b", "don't", "4x4", "12",
    "1st", "ones", "tens", "nineties",
]  # fmt: skip
_NUMBER_WORDS = [
    "zero", "one", "two", "three", "five", "nine", "ten", "eleven", "nineteen", "twenty",
    "fifty", "ninety", "hundred", "thousand", "million", "a", "and", "oh", "point", "minus",
    "percent", "dollar", "dollars", "cent", "cents", "first", "second", "third", "twelfth",
    "hundredth", "thousandth", "the", "march", "x",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(words=st.lists(st.sampled_from(_NOT_NUMBERS), max_size=12))
def test_text_without_numbers_is_unchanged(words: list[str]) -> None:
    assert inverse_normalize(" ".join(words)) == " ".join(words)


@settings(max_examples=1000, deadline=None)
@given(words=st.lists(st.sampled_from(_NUMBER_WORDS), max_size=12))
def test_any_words_give_single_spaced_output_that_does_not_change_again(words: list[str]) -> None:
    written = inverse_normalize(" ".join(words))
    assert written == " ".join(written.split())
    assert len(written.split()) <= len(words)
    assert inverse_normalize(written) == written
