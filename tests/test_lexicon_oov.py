"""Pronouncing unknown tokens: acronyms, digits, hyphens, apostrophes, accents, failures."""

from __future__ import annotations

import re

import pytest

from voxtune.engine.bundle import base_bundle
from voxtune.lexicon import Lexicon, Unpronounceable, letter_phones, pronounce_unknown
from voxtune.lexicon.g2p import default_g2p


@pytest.fixture(scope="module")
def base() -> Lexicon:
    return Lexicon.load(base_bundle().dictionary_path)


def said(base: Lexicon, *words: str) -> tuple[str, ...]:
    """The main base pronunciations of `words`, concatenated."""
    return tuple(p for w in words for p in base.pronunciations(w)[0])


@pytest.mark.parametrize(
    ("token", "spoken"),
    [
        ("IBX", ("i.", "b.", "x.")),  # short all-caps: an acronym
        ("cntk", ("c.", "n.", "t.", "k.")),  # no vowel letter: spelled
        ("HTTPX", ("h.", "t.", "t.", "p.", "x.")),
        ("r2d2", ("r.", "two", "d.", "two")),  # digits split a token into parts
        ("r2-d2", ("r.", "two", "d.", "two")),
        ("b2b", ("b.", "two", "b.")),
        ("mp3", ("m.", "p.", "three")),  # "mp" is not a base word: spelled
        ("catch22", ("catch", "twenty", "two")),
        ("agent007", ("agent", "zero", "zero", "seven")),  # leading zero: digit by digit
        ("a1", ("a.", "one")),  # the letter a, not the article "a" (AH)
    ],
)
def test_spelled_parts(base: Lexicon, token: str, spoken: tuple[str, ...]) -> None:
    guess = pronounce_unknown(token, base, default_g2p())
    assert guess.phones == said(base, *spoken)
    assert guess.source == "spelled"


@pytest.mark.parametrize(("token", "known"), [("3cpox", "three"), ("e-mailx", "e.")])
def test_a_part_the_base_lacks_needs_g2p(base: Lexicon, token: str, known: str) -> None:
    guess = pronounce_unknown(token, base, default_g2p())
    assert guess.source == "g2p"
    assert guess.phones[: len(said(base, known))] == said(base, known)


@pytest.mark.parametrize(
    ("token", "suffix"),
    [("voxtune's", ("Z",)), ("pocketsphinx's", ("IH", "Z")), ("rabbitmq's", None)],
)
def test_possessive_of_an_unknown_word(
    base: Lexicon, token: str, suffix: tuple[str, ...] | None
) -> None:
    stem = pronounce_unknown(token[:-2], base, default_g2p())
    guess = pronounce_unknown(token, base, default_g2p())
    assert guess.phones[: len(stem.phones)] == stem.phones
    if suffix is not None:
        assert guess.phones[len(stem.phones) :] == suffix


def test_possessive_of_a_known_word_is_spelled(base: Lexicon) -> None:
    guess = pronounce_unknown("NATO's", base, default_g2p())
    assert guess == pronounce_unknown("nato's", base, default_g2p())
    assert guess.phones == (*said(base, "nato"), "Z")
    assert guess.source == "spelled"


def test_accents_are_stripped_for_g2p(base: Lexicon) -> None:
    g2p = default_g2p()
    assert pronounce_unknown("zabrélo", base, g2p).phones == g2p.predict("zabrelo")


def test_long_all_caps_word_is_read_not_spelled(base: Lexicon) -> None:
    g2p = default_g2p()
    assert pronounce_unknown("VOXTUNE", base, g2p).phones == g2p.predict("voxtune")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("c++", "'+'"),
        ("жук", "Latin alphabet"),
        ("---", "no letters or digits"),
        ("", "no letters or digits"),
        ("a/b", "'/'"),
    ],
)
def test_unpronounceable(base: Lexicon, token: str, reason: str) -> None:
    with pytest.raises(Unpronounceable, match=re.escape(reason)):
        pronounce_unknown(token, base, default_g2p())


def test_letter_names_prefer_dotted_entries(base: Lexicon) -> None:
    assert letter_phones("a", base) == ("EY",)  # not the article "a" (AH)
    assert letter_phones("w", base) == ("D", "AH", "B", "AH", "L", "Y", "UW")
    empty = Lexicon({})  # a custom dictionary without letters: the built-in table
    assert letter_phones("a", empty) == ("EY",)
    assert letter_phones("z", empty) == ("Z", "IY")
