"""English number words: one table per kind of number."""

from __future__ import annotations

import pytest

from voxtune.errors import InvalidInputError
from voxtune.text.numbers import (
    MAX_CARDINAL,
    cardinal_words,
    decimal_words,
    digit_words,
    integer_words,
    ordinal_words,
    plural_words,
    year_words,
)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zero"),
        (5, "five"),
        (13, "thirteen"),
        (20, "twenty"),
        (21, "twenty one"),
        (99, "ninety nine"),
        (100, "one hundred"),
        (105, "one hundred five"),
        (110, "one hundred ten"),
        (999, "nine hundred ninety nine"),
        (1000, "one thousand"),
        (1001, "one thousand one"),
        (1234, "one thousand two hundred thirty four"),
        (10_000, "ten thousand"),
        (100_000, "one hundred thousand"),
        (1_000_000, "one million"),
        (1_000_001, "one million one"),
        (2_000_300_000, "two billion three hundred thousand"),
        (10**12, "one trillion"),
        (10**33, "one decillion"),
        (-3, "minus three"),
        (-1234, "minus one thousand two hundred thirty four"),
    ],
)
def test_cardinal_words(number: int, words: str) -> None:
    assert cardinal_words(number) == words


def test_cardinal_beyond_the_scale_words_is_read_digit_by_digit() -> None:
    assert cardinal_words(MAX_CARDINAL).startswith("nine hundred ninety nine decillion")
    assert cardinal_words(MAX_CARDINAL + 1) == "one " + "zero " * 35 + "zero"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zeroth"),
        (1, "first"),
        (2, "second"),
        (3, "third"),
        (4, "fourth"),
        (5, "fifth"),
        (8, "eighth"),
        (9, "ninth"),
        (11, "eleventh"),
        (12, "twelfth"),
        (20, "twentieth"),
        (21, "twenty first"),
        (30, "thirtieth"),
        (42, "forty second"),
        (100, "one hundredth"),
        (103, "one hundred third"),
        (1000, "one thousandth"),
        (1_000_000, "one millionth"),
    ],
)
def test_ordinal_words(number: int, words: str) -> None:
    assert ordinal_words(number) == words


def test_negative_ordinal_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        ordinal_words(-1)


@pytest.mark.parametrize(
    ("year", "words"),
    [
        (1066, "one thousand sixty six"),  # below 1100: a cardinal
        (1100, "eleven hundred"),
        (1492, "fourteen ninety two"),
        (1900, "nineteen hundred"),
        (1905, "nineteen oh five"),
        (1984, "nineteen eighty four"),
        (1999, "nineteen ninety nine"),
        (2000, "two thousand"),
        (2005, "two thousand five"),
        (2009, "two thousand nine"),
        (2010, "twenty ten"),
        (2024, "twenty twenty four"),
        (2099, "twenty ninety nine"),
        (2100, "two thousand one hundred"),  # above 2099: a cardinal
        (5000, "five thousand"),
    ],
)
def test_year_words(year: int, words: str) -> None:
    assert year_words(year) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("3.5", "three point five"),
        ("3.14", "three point one four"),
        ("0.5", "zero point five"),
        (".25", "point two five"),
        ("3.50", "three point five zero"),
        ("-2.5", "minus two point five"),
        ("1234.05", "one thousand two hundred thirty four point zero five"),
    ],
)
def test_decimal_words(number: str, words: str) -> None:
    assert decimal_words(number) == words


@pytest.mark.parametrize("bad", ["", "3", "3.", "a.5", "3,5", "1.2.3"])
def test_decimal_words_refuses_what_is_not_a_decimal(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        decimal_words(bad)


@pytest.mark.parametrize(
    ("digits", "words"),
    [("0", "zero"), ("007", "zero zero seven"), ("911", "nine one one")],
)
def test_digit_words(digits: str, words: str) -> None:
    assert digit_words(digits) == words


@pytest.mark.parametrize("bad", ["", "12a", "١٢"])
def test_digit_words_refuses_non_ascii_digits(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        digit_words(bad)


def test_integer_words_never_converts_a_huge_digit_string_to_int() -> None:
    # int() refuses strings of more than 4300 digits; reading them digit by digit must not.
    assert integer_words("9" * 5000) == " ".join(["nine"] * 5000)
    assert integer_words("000042") == "forty two"


@pytest.mark.parametrize(
    ("words", "plural"),
    [
        ("nineteen ninety", "nineteen nineties"),
        ("eighty", "eighties"),
        ("six", "sixes"),
        ("five", "fives"),
        ("nineteen hundred", "nineteen hundreds"),
    ],
)
def test_plural_words(words: str, plural: str) -> None:
    assert plural_words(words) == plural
