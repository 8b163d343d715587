"""User pronunciations: Azure Pronunciation datasets and phonetic lexicons, and that they win."""

from __future__ import annotations

from pathlib import Path

import pytest

from voxtune.engine.bundle import base_bundle
from voxtune.errors import InvalidInputError
from voxtune.lexicon import (
    Lexicon,
    LexiconBuild,
    PhoneSet,
    build_lexicon,
    from_pairs,
    from_phonetic_lexicon,
    from_spoken_form,
    lexical_word,
    read_phone_set,
)


@pytest.fixture(scope="module")
def base() -> Lexicon:
    return Lexicon.load(base_bundle().dictionary_path)


@pytest.fixture(scope="module")
def phone_set() -> PhoneSet:
    return read_phone_set(base_bundle().acoustic_model_dir)


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """The TAB format, read here so these tests do not depend on voxtune.data's parser."""
    text = path.read_bytes().decode("utf-8-sig")  # one official sample has a BOM, one not
    pairs = []
    for line in text.splitlines():
        if line.strip():
            display, spoken = line.split("\t")
            pairs.append((display.strip(), spoken.strip()))
    return pairs


def build_from_sample(azure_samples: Path, domain: str, base: Lexicon) -> LexiconBuild:
    path = azure_samples / "en-US" / domain / "training" / "pronunciation.txt"
    return build_lexicon([], base=base, user=from_pairs(read_pairs(path)))


def test_general_sample_spoken_forms(azure_samples: Path, base: Lexicon) -> None:
    build = build_from_sample(azure_samples, "general", base)
    assert build.failed == ()
    assert {a.word: (a.phones, a.source) for a in build.added} == {
        # "three c p o": the words' own pronunciations, concatenated
        "3cpo": (("TH", "R", "IY", "S", "IY", "P", "IY", "OW"), "user"),
        "cntk": (("S", "IY", "EH", "N", "T", "IY", "K", "EY"), "user"),
        "ieee": (("AY", "T", "R", "IH", "P", "AH", "L", "IY"), "user"),
    }
    assert build.lexicon.words() == ["3cpo", "cntk", "ieee"]


def test_biology_sample_g2ps_unknown_spoken_words(azure_samples: Path, base: Lexicon) -> None:
    build = build_from_sample(azure_samples, "biology", base)
    assert build.failed == ()
    words = {a.word: a.phones for a in build.added}
    assert sorted(words) == [
        "agkistrodon", "cervus", "coelophysis", "felidae", "oviraptor", "segosairus",
    ]  # fmt: skip
    assert words["cervus"] == base.pronunciations("service")[0]  # "service": in the base
    # "over raptor": both in the base, so exactly their concatenation
    assert words["oviraptor"] == base.pronunciations("over")[0] + base.pronunciations("raptor")[0]
    # "acast road on": "acast" is not in the base; G2P fills it in, the rest comes from the base
    assert "acast" not in base
    tail = base.pronunciations("road")[0] + base.pronunciations("on")[0]
    assert words["agkistrodon"][-len(tail) :] == tail
    assert len(words["agkistrodon"]) > len(tail)


def test_user_pronunciation_replaces_the_base(base: Lexicon) -> None:
    user = [from_spoken_form("tomato", "toe mah toe")]
    build = build_lexicon(["tomato", "potato"], base=base, user=user)
    expected = tuple(p for w in ("toe", "mah", "toe") for p in base.pronunciations(w)[0])
    assert build.lexicon.pronunciations("tomato") == (expected,)
    assert build.lexicon.pronunciations("potato") == base.pronunciations("potato")


def test_several_spoken_forms_become_variants(base: Lexicon) -> None:
    user = from_pairs([("IEEE", "i triple e"), ("IEEE", "i e e e"), ("IEEE", "i triple e")])
    build = build_lexicon([], base=base, user=user)
    assert len(build.lexicon.pronunciations("ieee")) == 2  # the repeated form counts once


def test_phonetic_lexicon_sample_entry(phone_set: PhoneSet, base: Lexicon) -> None:
    # From en-US/general/training/structured-text.md: "- .net/D AO T N EH T"
    entry = from_phonetic_lexicon(".net", "D AO T N EH T", phone_set)
    build = build_lexicon([".net"], base=base, user=[entry])
    assert build.lexicon.pronunciations(".net") == (("D", "AO", "T", "N", "EH", "T"),)
    assert build.added[0].source == "user"


def test_phonetic_lexicon_two_pronunciations_lowercase(phone_set: PhoneSet) -> None:
    entry = from_phonetic_lexicon("Cat", ["k ae t", "K AX T"], phone_set)
    assert entry.word == "cat"
    assert entry.phones == (("K", "AE", "T"), ("K", "AH", "T"))


def test_phonetic_lexicon_refuses_three_pronunciations(phone_set: PhoneSet) -> None:
    with pytest.raises(InvalidInputError, match="at most 2"):
        from_phonetic_lexicon("cat", ["k ae t", "k ah t", "k eh t"], phone_set)


def test_phonetic_lexicon_refuses_unknown_phones(phone_set: PhoneSet) -> None:
    with pytest.raises(InvalidInputError, match="QQ"):
        from_phonetic_lexicon("cat", "k qq t", phone_set)


@pytest.mark.parametrize(
    ("display", "word"),
    [("3CPO", "3cpo"), ("IEEE", "ieee"), (".NET", ".net"), ("Rock’n’Roll", "rock'n'roll")],
)
def test_lexical_word(display: str, word: str) -> None:
    assert lexical_word(display) == word


@pytest.mark.parametrize("display", ["", "   ", "New York"])
def test_lexical_word_refuses(display: str) -> None:
    with pytest.raises(InvalidInputError):
        lexical_word(display)


def test_spoken_form_must_have_words() -> None:
    with pytest.raises(InvalidInputError, match="no spoken form"):
        from_spoken_form("IEEE", "  ")


def test_unpronounceable_spoken_form_is_reported(base: Lexicon) -> None:
    build = build_lexicon(["zed"], base=base, user=[from_spoken_form("Zed", "жук")])
    assert [f.word for f in build.failed] == ["zed"]
    assert "spoken form of 'Zed'" in build.failed[0].reason
    # the word is not silently given its base pronunciation instead
    assert "zed" not in build.lexicon


def test_one_bad_spoken_form_among_good_ones_is_reported(base: Lexicon) -> None:
    user = from_pairs([("Zed", "zee"), ("Zed", "жук")])
    build = build_lexicon([], base=base, user=user)
    assert build.lexicon.pronunciations("zed") == (base.pronunciations("zee")[0],)
    assert build.failed == ()
    assert [r.word for r in build.rejected_user] == ["zed"]
