"""English number words: cardinals, ordinals, years, decimals, as spoken in en-US.

The spelling is the lexical form a recognizer outputs ("remind me to buy five pencils"):
no "and" inside numbers ("one hundred five"), no hyphens ("twenty one"), digits after a
decimal point read one by one ("three point one four").
"""

from __future__ import annotations

import re

from voxtune.errors import InvalidInputError

_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = (
    "", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion",
    "sextillion", "septillion", "octillion", "nonillion", "decillion",
)  # fmt: skip
# 10**36 - 1, the largest number the scale words above can name; longer digit strings are
# read digit by digit (and are never converted to int: Python refuses > 4300 digits).
MAX_CARDINAL = 1000 ** len(_SCALES) - 1
_MAX_CARDINAL_DIGITS = len(str(MAX_CARDINAL))

_IRREGULAR_ORDINALS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip
_DECIMAL = re.compile(r"(-?)([0-9]*)\.([0-9]+)")


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words += [_ONES[hundreds], "hundred"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens])
        if ones:
            words.append(_ONES[ones])
    elif rest:
        words.append(_ONES[rest])
    return words


def cardinal_words(n: int) -> str:
    """5 -> "five", 1234 -> "one thousand two hundred thirty four", -3 -> "minus three"."""
    if n < 0:
        return "minus " + cardinal_words(-n)
    if n > MAX_CARDINAL:
        return digit_words(str(n))
    if n == 0:
        return "zero"
    words: list[str] = []
    for scale in reversed(range(len(_SCALES))):
        group = n // 1000**scale % 1000
        if group:
            words += _below_thousand(group)
            if _SCALES[scale]:
                words.append(_SCALES[scale])
    return " ".join(words)


def digit_words(digits: str) -> str:
    """Reads a digit string one digit at a time: "007" -> "zero zero seven"."""
    if not digits.isascii() or not digits.isdigit():
        raise InvalidInputError(f"not a string of digits: {digits!r}")
    return " ".join(_ONES[int(d)] for d in digits)


def integer_words(digits: str) -> str:
    """Cardinal of a digit string of any length, without converting huge strings to int."""
    if len(digits.lstrip("0")) > _MAX_CARDINAL_DIGITS:
        return digit_words(digits)
    if not digits.isascii() or not digits.isdigit():
        raise InvalidInputError(f"not a string of digits: {digits!r}")
    return cardinal_words(int(digits))


def ordinal_words(n: int) -> str:
    """21 -> "twenty first", 100 -> "one hundredth", 12 -> "twelfth"."""
    if n < 0:
        raise InvalidInputError(f"an ordinal cannot be negative: {n}")
    head, _, last = cardinal_words(n).rpartition(" ")
    if last in _IRREGULAR_ORDINALS:
        last = _IRREGULAR_ORDINALS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return f"{head} {last}" if head else last


def year_words(n: int) -> str:
    """A four-digit number read as a year where speakers do so, else as a cardinal.

    1100-1999 and 2010-2099 are read in pairs ("nineteen eighty four", "twenty twenty four",
    "nineteen hundred", "nineteen oh five"); 2000-2009 as "two thousand five" (no "and");
    everything else (1000-1099, 2100 and up) as a cardinal.
    """
    if not (1100 <= n <= 1999 or 2010 <= n <= 2099):
        return cardinal_words(n)
    century, rest = divmod(n, 100)
    if rest == 0:
        return f"{cardinal_words(century)} hundred"
    if rest < 10:
        return f"{cardinal_words(century)} oh {_ONES[rest]}"
    return f"{cardinal_words(century)} {cardinal_words(rest)}"


def decimal_words(number: str) -> str:
    """A decimal written with a point: "3.5" -> "three point five", ".25" -> "point two five",
    "-0.5" -> "minus zero point five"."""
    match = _DECIMAL.fullmatch(number)
    if match is None:
        raise InvalidInputError(f"not a decimal number: {number!r}")
    sign, whole, fraction = match.groups()
    words = ["minus"] if sign else []
    if whole:
        words.append(integer_words(whole))
    words += ["point", digit_words(fraction)]
    return " ".join(words)


def plural_words(words: str) -> str:
    """Plural of a spoken number, as in decades: "nineteen ninety" -> "nineteen nineties"."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


__all__ = [
    "MAX_CARDINAL",
    "cardinal_words",
    "decimal_words",
    "digit_words",
    "integer_words",
    "ordinal_words",
    "plural_words",
    "year_words",
]
