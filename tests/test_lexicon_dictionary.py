"""Lexicon: loading the bundled cmudict, lookups, variants, writing, the model's phone set."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from voxtune.engine.bundle import base_bundle
from voxtune.errors import InvalidInputError, ModelError
from voxtune.lexicon import Lexicon, PhoneSet, parse_phones, read_phone_set


@pytest.fixture(scope="module")
def base() -> Lexicon:
    return Lexicon.load(base_bundle().dictionary_path)


@pytest.fixture(scope="module")
def phone_set() -> PhoneSet:
    return read_phone_set(base_bundle().acoustic_model_dir)


def test_base_dictionary_loads_quickly() -> None:
    started = time.perf_counter()
    lexicon = Lexicon.load(base_bundle().dictionary_path)
    elapsed = time.perf_counter() - started
    assert len(lexicon) > 120_000
    assert elapsed < 1.0, f"loading took {elapsed:.2f} s"  # ~0.2 s; slack for busy machines


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("hello", (("HH", "AH", "L", "OW"), ("HH", "EH", "L", "OW"))),
        ("three", (("TH", "R", "IY"),)),
        ("b.", (("B", "IY"),)),
        ("'bout", (("B", "AW", "T"),)),
        ("ad-hoc", (("AE", "D", "HH", "AA", "K"),)),
    ],
)
def test_known_words_and_variants(base: Lexicon, word: str, expected: tuple[str, ...]) -> None:
    assert base.pronunciations(word) == expected


def test_unknown_word_has_no_pronunciation(base: Lexicon) -> None:
    assert base.pronunciations("voxtune") == ()
    assert "voxtune" not in base
    assert base.pronunciations("Hello") == ()  # lookups are exact, like pocketsphinx's


def test_base_uses_only_model_phones(base: Lexicon, phone_set: PhoneSet) -> None:
    assert base.invalid_entries(phone_set) == ()


def test_phone_set_read_from_mdef(phone_set: PhoneSet) -> None:
    assert len(phone_set.speech) == 39
    assert {"AA", "ZH", "NG", "HH"} <= phone_set.speech
    assert phone_set.filler == {"SIL", "+NSN+", "+SPN+"}


def test_phone_set_refuses_a_directory_without_mdef(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="mdef"):
        read_phone_set(tmp_path)
    (tmp_path / "mdef").write_text("0.3\n42 n_base\n", encoding="ascii")  # a text mdef
    with pytest.raises(ModelError, match="not a binary"):
        read_phone_set(tmp_path)


def test_invalid_entries_name_unknown_phones(phone_set: PhoneSet) -> None:
    lexicon = Lexicon.from_pronunciations([("ok", [("OW", "K", "EY")]), ("bad", [("B", "QQ")])])
    (entry,) = lexicon.invalid_entries(phone_set)
    assert (entry.word, entry.unknown) == ("bad", ("QQ",))


def test_write_and_reload_round_trip(base: Lexicon, tmp_path: Path) -> None:
    subset = base.subset(["hello", "world", "read", "ad-hoc"])
    path = tmp_path / "subset.dict"
    subset.write(path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "ad-hoc AE D HH AA K",
        "hello HH AH L OW",
        "hello(2) HH EH L OW",
        "read R EH D",
        "read(2) R IY D",
        "world W ER L D",
    ]
    assert Lexicon.load(path) == subset


def test_writing_is_deterministic(base: Lexicon, tmp_path: Path) -> None:
    words = ["zebra", "apple", "hello", "mango"]
    base.subset(words).write(tmp_path / "a.dict")
    base.subset(reversed(words)).write(tmp_path / "b.dict")
    assert (tmp_path / "a.dict").read_bytes() == (tmp_path / "b.dict").read_bytes()


def test_whole_dictionary_round_trips(base: Lexicon, tmp_path: Path) -> None:
    path = tmp_path / "all.dict"
    base.write(path)
    assert Lexicon.load(path) == base


def test_subset_names_missing_words(base: Lexicon) -> None:
    with pytest.raises(KeyError, match="voxtune"):
        base.subset(["hello", "voxtune"])


def test_with_pronunciations_replaces_or_adds_variants(base: Lexicon) -> None:
    mine = ("T", "OW", "M", "AA", "T", "OW")
    replaced = base.with_pronunciations([("tomato", [mine])])
    assert replaced.pronunciations("tomato") == (mine,)
    extended = base.with_pronunciations([("tomato", [mine])], replace=False)
    assert extended.pronunciations("tomato")[-1] == mine
    assert len(extended.pronunciations("tomato")) == len(base.pronunciations("tomato")) + 1
    assert base.pronunciations("tomato") != (mine,)  # the original is untouched


def test_with_pronunciations_refuses_a_word_with_spaces(base: Lexicon) -> None:
    with pytest.raises(ValueError, match="one token"):
        base.with_pronunciations([("new york", [("N", "UW")])])


def test_load_reports_a_line_without_phones(tmp_path: Path) -> None:
    path = tmp_path / "broken.dict"
    path.write_text("hello HH AH L OW\nbroken\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"broken\.dict:2"):
        Lexicon.load(path)


def test_load_tolerates_tabs_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "hand.dict"
    path.write_text("hello\tHH  AH L OW\n\nhello(2) HH EH L OW\n", encoding="utf-8")
    assert Lexicon.load(path).pronunciations("hello") == (
        ("HH", "AH", "L", "OW"),
        ("HH", "EH", "L", "OW"),
    )


def test_missing_dictionary_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        Lexicon.load(tmp_path / "nope.dict")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("k ae t", ("K", "AE", "T")),
        ("D AO T N EH T", ("D", "AO", "T", "N", "EH", "T")),
        ("K AE1 T", ("K", "AE", "T")),  # CMUdict stress digits
        ("h ax l ow", ("HH", "AH", "L", "OW")),  # Azure's SAPI names
    ],
)
def test_parse_phones(phone_set: PhoneSet, text: str, expected: tuple[str, ...]) -> None:
    assert parse_phones(text, phone_set) == expected


@pytest.mark.parametrize("text", ["", "k qq t", "SIL", "+NSN+"])
def test_parse_phones_refuses(phone_set: PhoneSet, text: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_phones(text, phone_set)
