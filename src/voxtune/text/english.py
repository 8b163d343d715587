"""English (en-*) rewriting of written forms into spoken words, ahead of punctuation removal.

Runs on lowercased NFKC text. Each rule is one regex pass with a callback; the passes run from
the most specific (currency, percent, times, ordinals, decades) to the most general (plain
numbers), and every pass replaces the digits it matched, so later passes never see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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

# A written number: grouped thousands ("1,234,567.5"), plain ("1234", "3.5") or ".5".
# At most 12 groups (decillions): unbounded, a long ",123,123..." run costs quadratic time.
_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3}){1,12}(?![0-9])"
_NUMBER = rf"{_GROUPED}(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+"
# A minus sign, only where it cannot be a hyphen ("-5", "(-5)", not "5-3" or "covid-19").
_SIGN = r"(?P<sign>(?<![\w.])-)?"


@dataclass(frozen=True, slots=True)
class _Currency:
    unit: str  # singular of the main unit
    units: str  # plural of the main unit
    subunit: str  # singular of the hundredth
    subunits: str  # plural of the hundredth


_CURRENCIES = {
    "$": _Currency("dollar", "dollars", "cent", "cents"),
    "€": _Currency("euro", "euros", "cent", "cents"),
    "£": _Currency("pound", "pounds", "penny", "pence"),
}
_SCALE_WORDS = "thousand|million|billion|trillion"
# Symbols spoken as a word wherever they stand ("AT&T" -> "at and t", "C++" -> "c plus plus").
_SYMBOL_WORDS = {"&": " and ", "+": " plus ", "@": " at "}

_CURRENCY_RE = re.compile(
    rf"{_SIGN}(?P<symbol>[$€£])\s?(?P<number>{_NUMBER})(?:\s(?P<scale>{_SCALE_WORDS})\b)?"
)
_PERCENT_RE = re.compile(rf"{_SIGN}(?<![0-9])(?P<number>{_NUMBER})\s?%")
_TIME_RE = re.compile(r"(?<![0-9:])(?P<hour>[01]?[0-9]|2[0-3]):(?P<minute>[0-5][0-9])(?![0-9:])")
_ORDINAL_RE = re.compile(rf"(?<![0-9,.])(?P<number>{_GROUPED}|[0-9]+)(?:st|nd|rd|th)\b")
_PLURAL_RE = re.compile(r"(?<![0-9,.])(?P<number>[0-9]+)'?s\b")
# "mp3" -> "mp 3", "10am" -> "10 am", "b2b" -> "b 2 b": a number is its own word.
_LETTER_DIGIT_RE = re.compile(r"(?<=[^\W\d_])(?=[0-9])|(?<=[0-9])(?=[^\W\d_])")
# No guard against starting inside a digit run: matches are leftmost-longest, so the only
# number that can start right after a digit is ".3" in "1.2.3" ("one point two point three").
_NUMBER_RE = re.compile(rf"{_SIGN}(?P<number>{_NUMBER})")
_SYMBOL_RE = re.compile("[&+@]")
_MAX_CARDINAL_DIGITS = len(str(MAX_CARDINAL))


def number_words(number: str, *, as_year: bool = True) -> str:
    """Spoken form of one written unsigned number as matched by `_NUMBER`."""
    whole, point, fraction = number.partition(".")
    digits = whole.replace(",", "")
    if point:
        return decimal_words(f"{digits}.{fraction}")
    if "," in whole:
        return integer_words(digits)
    if len(digits) > 1 and digits.startswith("0"):
        # Leading zeros mean an identifier (zip code, "007"), read digit by digit.
        return digit_words(digits)
    if as_year and len(digits) == 4:
        return year_words(int(digits))
    return integer_words(digits)


def _currency(match: re.Match[str]) -> str:
    currency = _CURRENCIES[match["symbol"]]
    number, scale = match["number"], match["scale"]
    if scale:  # "$3.5 million" -> "three point five million dollars"
        return f"{number_words(number, as_year=False)} {scale} {currency.units}"
    whole, _, fraction = number.partition(".")
    if len(fraction) > 2:  # not an amount of cents: "$0.125" -> "zero point one two five dollars"
        return f"{number_words(number, as_year=False)} {currency.units}"
    digits = whole.replace(",", "") or "0"
    cents = int(fraction.ljust(2, "0")) if fraction else 0
    words: list[str] = []
    if digits.strip("0") or not cents:
        unit = currency.unit if digits.lstrip("0") == "1" else currency.units
        words.append(f"{integer_words(digits)} {unit}")
    if cents:
        subunit = currency.subunit if cents == 1 else currency.subunits
        words.append(f"{cardinal_words(cents)} {subunit}")
    return " ".join(words)


def _signed(match: re.Match[str], words: str) -> str:
    return f"minus {words}" if match["sign"] else words


def _percent(match: re.Match[str]) -> str:
    return _signed(match, number_words(match["number"], as_year=False)) + " percent"


def _time(match: re.Match[str]) -> str:
    hour, minute = int(match["hour"]), int(match["minute"])
    if minute == 0:
        # "10:00" -> "ten o'clock"; 24-hour times -> "fourteen hundred".
        suffix = "o'clock" if 1 <= hour <= 12 else "hundred"
        return f"{cardinal_words(hour)} {suffix}"
    if minute < 10:
        return f"{cardinal_words(hour)} oh {cardinal_words(minute)}"
    return f"{cardinal_words(hour)} {cardinal_words(minute)}"


def _ordinal(match: re.Match[str]) -> str:
    digits = match["number"].replace(",", "")
    if len(digits.lstrip("0")) > _MAX_CARDINAL_DIGITS:  # beyond the scale words
        return digit_words(digits)
    return ordinal_words(int(digits))


def _plural(match: re.Match[str]) -> str:
    return plural_words(number_words(match["number"]))


def _number(match: re.Match[str]) -> str:
    words = number_words(match["number"], as_year=not match["sign"])
    return f" {_signed(match, words)} "


def spell_out(text: str) -> str:
    """Rewrites numbers, currency, percentages, times and symbols of lowercase text as words."""
    text = _CURRENCY_RE.sub(lambda m: f" {_signed(m, _currency(m))} ", text)
    text = _PERCENT_RE.sub(lambda m: f" {_percent(m)} ", text)
    text = _TIME_RE.sub(lambda m: f" {_time(m)} ", text)
    text = _ORDINAL_RE.sub(lambda m: f" {_ordinal(m)} ", text)
    text = _PLURAL_RE.sub(lambda m: f" {_plural(m)} ", text)
    text = _LETTER_DIGIT_RE.sub(" ", text)
    text = _NUMBER_RE.sub(_number, text)
    return _SYMBOL_RE.sub(lambda m: _SYMBOL_WORDS[m[0]], text)


__all__ = ["number_words", "spell_out"]
