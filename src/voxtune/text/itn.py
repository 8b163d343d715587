"""Inverse text normalization (ITN), en-US: lexical words -> written form, numbers only.

The recognizer spells numbers the way `voxtune.text.numbers` does ("one hundred five",
"three point one four", "nineteen oh five"); this module writes them back in digits, as Azure's
display text does ("remind me to buy 5 pencils"). Only number expressions are rewritten: every
other token is kept exactly as it is; capitals and punctuation are left to later steps.

At each word we take the longest number that starts there (a cardinal, an ordinal, a run of
single digits or a year read in pairs), then what may follow it (a decimal fraction, "percent",
dollars and cents) or precede it ("minus").

Deliberate choices:
- A lone "one" stays a word ("no one", "this one"); so does a lone "oh". "first" and "second"
  alone become "1st"/"2nd" only after "the" or a month ("first of all", "wait a second").
- Cardinals are read greedily, a digit run is what is left: "twenty one two" -> "21 2",
  "twenty one two three" -> "21 23"; two or more single digits are one digit string
  ("four one two" -> "412", "five oh one" -> "501"), with no thousands separators.
- Two numbers of two digits make a year: "nineteen sixty" -> "1960", "twenty thirty" -> "2030".
- A number ends early rather than leave "hundred" or a scale word after it without a number:
  "five hundred six hundred" -> "500 600", "one thousand two thousand" -> "1000 2000".
- Thousands separators from five digits on, as Azure: "1200" but "12,000".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from voxtune.text.numbers import MAX_CARDINAL, cardinal_words, ordinal_words


def _last_word(words: str) -> str:
    return words.rpartition(" ")[2]


def _scale_words() -> dict[str, int]:
    scales: dict[str, int] = {}
    value = 1000
    while value <= MAX_CARDINAL:
        scales[_last_word(cardinal_words(value))] = value  # "one thousand" -> "thousand"
        value *= 1000
    return scales


_DIGITS = {cardinal_words(n): str(n) for n in range(10)}
_UNITS = {cardinal_words(n): n for n in range(1, 10)}
_TEENS = {cardinal_words(n): n for n in range(10, 20)}
_TENS = {cardinal_words(n): n for n in range(20, 100, 10)}
_SCALES = _scale_words()
# "twenty first" is read as "twenty one" that ends the number: ordinal word -> cardinal word.
_ORDINALS = {
    _last_word(ordinal_words(n)): _last_word(cardinal_words(n))
    for n in (*range(1, 20), *range(20, 100, 10), 100, *_SCALES.values())
}
_MULTIPLIERS = {"hundred", *_SCALES}
_MULTIPLIERS |= {word for word, base in _ORDINALS.items() if base in _MULTIPLIERS}
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip

# The words of a cardinal by role, with their values ("a" as in "a hundred" is one).
_ROLES: dict[str, tuple[str, int]] = {
    **{word: ("unit", n) for word, n in _UNITS.items()},
    **{word: ("teen", n) for word, n in _TEENS.items()},
    **{word: ("tens", n) for word, n in _TENS.items()},
    **{word: ("scale", n) for word, n in _SCALES.items()},
    "hundred": ("hundred", 100),
    "and": ("and", 0),
    "a": ("a", 1),
}
# The cardinal grammar as (phase, role of the next word) -> phase. A group below a thousand is
# [unit hundred [and]] [tens [unit] | teen | unit]; groups are joined by scale words.
# "last"/"last_tens" are after the hundreds; "pair" is "tens unit" at the start of a group.
_NEXT = {
    ("start", "unit"): "unit", ("start", "teen"): "teen", ("start", "tens"): "tens",
    ("start", "a"): "a", ("start", "and"): "and",
    ("a", "hundred"): "hundred", ("a", "scale"): "start",
    ("unit", "hundred"): "hundred", ("unit", "scale"): "start",
    ("teen", "hundred"): "hundred", ("teen", "scale"): "start",
    ("tens", "unit"): "pair", ("tens", "scale"): "start",
    ("pair", "hundred"): "hundred", ("pair", "scale"): "start",
    ("hundred", "and"): "and", ("hundred", "unit"): "last", ("hundred", "teen"): "last",
    ("hundred", "tens"): "last_tens", ("hundred", "scale"): "start",
    ("and", "unit"): "last", ("and", "teen"): "last", ("and", "tens"): "last_tens",
    ("last_tens", "unit"): "last", ("last_tens", "scale"): "start",
    ("last", "scale"): "start",
}  # fmt: skip
_INCOMPLETE = {"a", "and"}  # a number cannot end on "a" or "and"


class _Kind(Enum):
    CARDINAL = "cardinal"
    ORDINAL = "ordinal"
    DIGITS = "digits"  # single digits read one by one
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class _Span:
    """A number read from words[start:end]."""

    end: int
    kind: _Kind
    text: str  # written form: "1,200", "21st", "0412", "1984"
    value: int | None = None  # None for digit strings, which may be too long for int()


@dataclass(frozen=True, slots=True)
class _Quantity:
    text: str  # written form with fraction and unit: "3.5%", "$5.05", "50 cents"
    end: int
    lone_one: bool  # the word "one" alone, which stays a word unless signed


def _at(words: list[str], i: int) -> str:
    """words[i], or "" past the end."""
    return words[i] if i < len(words) else ""


def _grouped(n: int) -> str:
    return f"{n:,}" if n >= 10_000 else str(n)


def _ordinal_text(n: int) -> str:
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return _grouped(n) + suffix


def _cardinals(words: list[str], start: int) -> list[_Span]:
    """Every cardinal (or ordinal, which ends it) that starts at words[start]."""
    if words[start] == "zero":  # zero takes no other words
        return [_Span(start + 1, _Kind.CARDINAL, "0", 0)]
    if words[start] == "zeroth":
        return [_Span(start + 1, _Kind.ORDINAL, "0th", 0)]
    spans: list[_Span] = []
    phase, total, group, last_scale = "start", 0, 0, MAX_CARDINAL + 1
    closed = False  # no scale word may follow: after "thousand and", "nineteen hundred"
    for i in range(start, len(words)):
        base = _ORDINALS.get(words[i], words[i])
        ordinal = base != words[i]
        role, value = _ROLES.get(base, ("", 0))
        nxt = _NEXT.get((phase, role))
        if nxt is None or (ordinal and phase == "a"):  # "a hundredth" is a fraction
            break
        if role == "a" and i > start:
            break
        if role == "and" and phase == "start":
            if i == start:
                break
            closed = True
        if role == "hundred" and phase in ("teen", "pair"):
            # "nineteen hundred", "twenty five hundred": only as a whole number.
            if total or group == 10:
                break
            closed = True
        if role == "scale":
            if closed or value >= last_scale:
                break
            total, group, last_scale = total + group * value, 0, value
        elif role == "hundred":
            group *= 100
        else:
            group += value
        phase = nxt
        if phase in _INCOMPLETE:
            continue
        if ordinal:
            spans.append(_Span(i + 1, _Kind.ORDINAL, _ordinal_text(total + group), total + group))
            break
        spans.append(_Span(i + 1, _Kind.CARDINAL, _grouped(total + group), total + group))
    return spans


def _digit_run_ends(words: list[str], start: int) -> list[int]:
    """Ends of the runs of digit words from start that end on a digit, not on "oh"."""
    ends: list[int] = []
    i = start
    while i < len(words) and (words[i] in _DIGITS or words[i] == "oh"):
        i += 1
        if words[i - 1] in _DIGITS:
            ends.append(i)
    return ends


def _digit_string(words: list[str]) -> str:
    return "".join(_DIGITS.get(word, "0") for word in words)  # "oh" is 0


def _digit_runs(words: list[str], start: int) -> list[_Span]:
    """Two or more single digits from start ("oh" only between them). Only the two longest:
    the one before the longest is the alternative when the longest is followed by "hundred"."""
    if words[start] not in _DIGITS:
        return []
    ends = [end for end in _digit_run_ends(words, start)[-2:] if end - start >= 2]
    return [_Span(end, _Kind.DIGITS, _digit_string(words[start:end])) for end in ends]


def _two_digits(words: list[str], start: int) -> list[tuple[int, int]]:
    """(value, end) of 10..99 said as a teen or as tens [unit] at words[start]."""
    word = _at(words, start)
    if word in _TEENS:
        return [(_TEENS[word], start + 1)]
    if word not in _TENS:
        return []
    pairs = [(_TENS[word], start + 1)]
    if _at(words, start + 1) in _UNITS:
        pairs.append((_TENS[word] + _UNITS[words[start + 1]], start + 2))
    return pairs


def _years(words: list[str], start: int) -> list[_Span]:
    """Years read in pairs: "nineteen eighty four", "twenty ten", "nineteen oh five"."""
    spans: list[_Span] = []
    for century, middle in _two_digits(words, start):
        rest = _two_digits(words, middle)
        if _at(words, middle) == "oh" and _at(words, middle + 1) in _UNITS:
            rest = [(_UNITS[words[middle + 1]], middle + 2)]
        for value, end in rest:
            year = century * 100 + value
            spans.append(_Span(end, _Kind.YEAR, str(year), year))
    return spans


def _number_at(words: list[str], start: int) -> _Span | None:
    """The longest number at words[start], unless it leaves "hundred" or a scale word right
    after it: then the longest that does not ("five hundred | six hundred")."""
    if start >= len(words):
        return None
    spans = [*_cardinals(words, start), *_digit_runs(words, start), *_years(words, start)]
    free = [span for span in spans if _at(words, span.end) not in _MULTIPLIERS]
    return max(free or spans, key=lambda span: span.end, default=None)


def _fraction(words: list[str], start: int) -> tuple[str, int] | None:
    """Digits after "point" at words[start] and the index after them ("point oh five")."""
    if _at(words, start) != "point":
        return None
    ends = _digit_run_ends(words, start + 1)
    if not ends:
        return None
    return _digit_string(words[start + 1 : ends[-1]]), ends[-1]


def _cents(words: list[str], start: int) -> tuple[int, int] | None:
    """(cents, end) of "[and] <0..99> cents" at words[start]."""
    if _at(words, start) == "and":
        start += 1
    span = _number_at(words, start)
    if (
        span is not None
        and span.kind is _Kind.CARDINAL
        and span.value is not None
        and span.value < 100
        and _at(words, span.end) in ("cent", "cents")
    ):
        return span.value, span.end + 1
    return None


def _quantity(words: list[str], start: int, span: _Span | None) -> _Quantity | None:
    """A cardinal or digit string (or nothing before "point five") with its fraction and
    unit, read from words[start]; None when there is none."""
    if span is not None and span.kind not in (_Kind.CARDINAL, _Kind.DIGITS):
        return None
    number, end = (span.text, span.end) if span is not None else ("0", start)
    fraction = _fraction(words, end)
    if fraction is not None:
        number, end = f"{number}.{fraction[0]}", fraction[1]
    elif span is None:
        return None
    unit = _at(words, end)
    if unit == "percent":
        return _Quantity(number + "%", end + 1, lone_one=False)
    if unit in ("dollar", "dollars"):
        cents = None if fraction is not None else _cents(words, end + 1)
        if cents is not None:
            return _Quantity(f"${number}.{cents[0]:02d}", cents[1], lone_one=False)
        return _Quantity("$" + number, end + 1, lone_one=False)
    if unit in ("cent", "cents"):
        return _Quantity(f"{number} {unit}", end + 1, lone_one=False)
    return _Quantity(number, end, lone_one=words[start:end] == ["one"])


def _ordinal_fits(words: list[str], start: int, span: _Span) -> bool:
    """Alone, "first" and "second" are ordinals only after "the" or a month: else they are
    the adverb and the unit of time ("first of all", "wait a second")."""
    if span.end - start > 1 or words[start] not in ("first", "second"):
        return True
    return start > 0 and (words[start - 1] == "the" or words[start - 1] in _MONTHS)


def _written_at(words: list[str], i: int) -> tuple[str, int]:
    """The written form of what starts at words[i] and the index after it: a number
    expression, or words[i] itself."""
    signed = words[i] == "minus"
    start = i + 1 if signed else i
    span = _number_at(words, start)
    if span is None or span.kind in (_Kind.CARDINAL, _Kind.DIGITS):
        quantity = _quantity(words, start, span)
        if quantity is not None and (signed or not quantity.lone_one):
            return ("-" if signed else "") + quantity.text, quantity.end
    elif not signed and (span.kind is _Kind.YEAR or _ordinal_fits(words, start, span)):
        return span.text, span.end
    return words[i], i + 1


def inverse_normalize(lexical: str) -> str:
    """Lexical words (space separated, lowercase) -> the written (ITN) form, en-US.

    "remind me to buy five pencils" -> "remind me to buy 5 pencils"; "twenty first" -> "21st";
    "three point five percent" -> "3.5%"; "five dollars and five cents" -> "$5.05".
    Only number expressions change; tokens are joined by single spaces.
    """
    words = lexical.split()
    written: list[str] = []
    i = 0
    while i < len(words):
        text, i = _written_at(words, i)
        written.append(text)
    return " ".join(written)


__all__ = ["inverse_normalize"]
