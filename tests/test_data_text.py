"""Text decoding, plain-text (Language) and Pronunciation datasets."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from voxtune.data import (
    DatasetKind,
    check_dataset,
    parse_language,
    parse_pronunciation,
    read_text,
)
from voxtune.data.language import repeated_group
from voxtune.errors import DatasetError, TextEncodingError


@pytest.mark.parametrize(
    "data",
    [
        "héllo\n".encode(),
        codecs.BOM_UTF8 + "héllo\n".encode(),
        "héllo\n".encode("utf-16"),  # BOM + native (LE)
        codecs.BOM_UTF16_BE + "héllo\n".encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16be-bom"],
)
def test_read_text_accepts(data: bytes) -> None:
    assert read_text(data, "t.txt") == "héllo\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            "ok\ncafé".encode("latin-1"),
            r"t\.txt: not valid UTF-8 at byte offset 6 \(line 2, byte 0xe9\)",
        ),
        ("smart \u201cquotes\u201d".encode("cp1252"), r"byte offset 6 .*byte 0x93"),
        (codecs.BOM_UTF8 + b"abc\xff", r"byte offset 6"),
        ("plain".encode("utf-16-le"), r"NUL character .*UTF-16 or UTF-32 without BOM"),
        (codecs.BOM_UTF16_LE + b"a\x00\x00", r"not valid UTF-16-LE at byte offset 4"),
    ],
    ids=["latin-1", "cp1252", "bom-then-bad", "utf16-no-bom", "utf16-odd-length"],
)
def test_read_text_refuses(data: bytes, message: str) -> None:
    with pytest.raises(TextEncodingError, match=message):
        read_text(data, "t.txt")


def test_language_lines_are_accounted_for() -> None:
    text = "\n".join(
        [
            "the weather in seattle",  # 1
            "",  # 2 blank
            "see https://example.com/page for details",  # 3 URI
            "www.example.com",  # 4 URI
            "yeah yeah yeah yeah",  # 5 word x4
            "that's it that's it that's it that's it!",  # 6 group x4
            "aaaaah no",  # 7 letter x5
            "yeah yeah yeah is fine",  # 8 x3 ok
            "I paid 10000 dollars",  # 9 digits are not a repeated character
            "...",  # 10 no words
        ]
    )
    dataset = parse_language(text.encode(), "lm.txt")
    report = dataset.report
    assert [s.line for s in dataset.sentences] == [1, 8, 9]
    assert dataset.sentences[2].normalized == "i paid ten thousand dollars"
    reasons = {e.line: e.reason for e in report.rejected_entries}
    assert reasons[3] == "contains a URI (https://example.com/page)"
    assert reasons[4].startswith("contains a URI")
    assert reasons[5] == "repeats 'yeah' more than 3 times in a row"
    assert reasons[6] == "repeats 'that's it' more than 3 times in a row"
    assert reasons[7] == "repeats the character 'a' more than 3 times"
    assert reasons[10] == "no words after normalization"
    assert (report.accepted, report.rejected, report.skipped) == (3, 6, 1)
    assert all(e.item == "lm.txt" for e in report.entries)


@pytest.mark.parametrize(
    ("words", "group"),
    [
        ("a b a b a b a b", ("a", "b")),
        ("x a b c a b c a b c a b c y", ("a", "b", "c")),
        ("a a a", ()),
        ("a b a b a b c a b", ()),
        ("", ()),
    ],
)
def test_repeated_group(words: str, group: tuple[str, ...]) -> None:
    assert repeated_group(words.split()) == group


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", codecs.BOM_UTF8])
def test_empty_text_file_is_a_dataset_error(data: bytes) -> None:
    with pytest.raises(DatasetError, match=r"lm\.txt is empty"):
        parse_language(data, "lm.txt")


def test_utf16_language_file_is_accepted_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "lm.txt"
    path.write_bytes("hello there\r\ngeneral kenobi\r\n".encode("utf-16"))
    report = check_dataset(path, DatasetKind.LANGUAGE)
    assert report.accepted == 2
    assert report.notes == ("lm.txt: decoded as UTF-16-LE with BOM (Azure requires UTF-8)",)


def test_latin1_language_file_is_an_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "lm.txt"
    path.write_bytes("na\u00efve\n".encode("latin-1"))
    with pytest.raises(TextEncodingError, match=r"lm\.txt: not valid UTF-8 at byte offset 2"):
        check_dataset(path, DatasetKind.LANGUAGE)


def test_pronunciation_lines() -> None:
    text = "\n".join(
        [
            "3CPO\tthree c p o",  # 1
            "IEEE\ti triple e",  # 2
            "IEEE\tI Triple E",  # 3 duplicate after lowercasing
            "no tab here",  # 4
            "R2D2\tr 2 d 2",  # 5 digits in the spoken form
            "\tempty display",  # 6
            "x\ty\tz",  # 7
            "IEEE\teye triple e",  # 8 a second spoken form is fine
        ]
    )
    dataset = parse_pronunciation(text.encode(), "p.txt")
    assert [(e.display, e.spoken) for e in dataset.entries] == [
        ("3CPO", ("three", "c", "p", "o")),
        ("IEEE", ("i", "triple", "e")),
        ("IEEE", ("eye", "triple", "e")),
    ]
    reasons = {e.line: e.reason for e in dataset.report.rejected_entries}
    assert reasons == {
        3: "duplicate of line 2",
        4: "expected 'display form<TAB>spoken form' (no TAB)",
        5: "spoken form must be words (write numbers and symbols out): '2'",
        6: "empty display form",
        7: "more than one TAB",
    }


def test_pronunciation_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(b"a\tb\n" * 300_000)  # 1.2 MB
    with pytest.raises(DatasetError, match="limit is 1048576"):
        check_dataset(path, DatasetKind.PRONUNCIATION)
