"""LanguageMarkdown (structured text): lists, templates, lexicon, limits, sampling."""

from __future__ import annotations

import pytest

from voxtune.data import LanguageMarkdown, parse_language_markdown
from voxtune.data.phones import normalize_phones
from voxtune.errors import DatasetError

GOOD = """\
@ list cities =
- Seattle
- New York

@ speech:phoneticlexicon
- cat/k ae t
- tomato/t ax m ey t ow
- tomato/T AH0 M AA1 T OW2

#CityQuestions
- what is the weather in {@cities}
- fly from {@ cities } to {@cities} on May 3
// a comment
"""


def _parse(text: str) -> LanguageMarkdown:
    return parse_language_markdown(text.encode(), "s.md")


def _reasons(parsed: LanguageMarkdown) -> dict[int | None, str]:
    return {entry.line: entry.reason for entry in parsed.report.rejected_entries}


def test_well_formed_file() -> None:
    parsed = _parse(GOOD)
    assert parsed.report.rejected == 0
    (cities,) = parsed.lists
    assert (cities.items, cities.normalized) == (("Seattle", "New York"), ("seattle", "new york"))
    assert [(e.word, e.phones) for e in parsed.lexicon] == [
        ("cat", ("K", "AE", "T")),
        ("tomato", ("T", "AH", "M", "EY", "T", "OW")),
        ("tomato", ("T", "AH", "M", "AA", "T", "OW")),
    ]
    assert [t.lists for t in parsed.templates] == [("cities",), ("cities", "cities")]
    assert parsed.templates[1].normalized == "fly from {@cities} to {@cities} on may three"
    assert parsed.templates[0].section == "CityQuestions"
    assert (parsed.report.accepted, parsed.report.skipped) == (7, 6)


def test_duplicate_pronunciation_after_mapping_is_rejected() -> None:
    parsed = _parse("@ speech:phoneticlexicon\n- cat/k ae t\n- Cat/K AE1 T\n")
    # "K AE1 T" is "k ae t" once stress is dropped: a duplicate, not a second pronunciation.
    assert [(e.word, e.line) for e in parsed.lexicon] == [("cat", 2)]
    assert _reasons(parsed) == {3: "duplicate pronunciation of 'Cat'"}


def test_lists_stay_separate_and_sampling_is_reproducible() -> None:
    parsed = _parse(GOOD)
    first = parsed.sample_sentences(5, seed=7)
    assert first == parsed.sample_sentences(5, seed=7)
    assert len(first) == 5
    assert all("{@" not in s and ("Seattle" in s or "New York" in s) for s in first)
    normalized = parsed.sample_sentences(3, seed=1, normalized=True)
    assert all(s == s.lower() for s in normalized)
    assert _parse("#S\n- hello there\n").sample_sentences(2) == ("hello there", "hello there")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("#S\n- go to {@nowhere}\n", 2, "unknown list reference {@nowhere}"),
        ("@ list empty =\n#S\n- go to {@empty}\n", 1, "list 'empty' has no items"),
        ("@ list empty =\n#S\n- go to {@empty}\n", 3, "empty list reference {@empty}"),
        ("#S\n- go to {cities}\n", 2, "malformed list reference (expected '{@name}')"),
        ("@ speech:phoneticlexicon\n- cat k ae t\n", 2, "expected 'word/phones'"),
        ("@ speech:phoneticlexicon\n- /k ae t\n", 2, "expected 'word/phones'"),
        ("@ speech:phoneticlexicon\n- cat/\n", 2, "'cat': no phones"),
        ("@ speech:phoneticlexicon\n- cat/k qq t\n", 2, "'cat': unknown en-US phone(s): qq"),
        ("- orphan item\n", 1, "item outside any list, lexicon or section"),
        ("@ list x =\n-\n", 2, "empty item"),
        ("@ list x =\n- a\n- a\n", 3, "duplicate item in list 'x'"),
        ("@ lists x\n", 1, "expected '@ list NAME =' or '@ speech:phoneticlexicon'"),
        ("#S\njust a line\n", 2, "expected '- item', '@ header', '#Section' or '//'"),
        ("#S\n- ...\n", 2, "no words after normalization"),
    ],
)
def test_malformed_lines(text: str, line: int, reason: str) -> None:
    assert _reasons(_parse(text))[line] == reason


def test_too_many_pronunciations() -> None:
    text = "@ speech:phoneticlexicon\n- read/r iy d\n- read/r eh d\n- read/r ey d\n- Read/r ay d\n"
    parsed = _parse(text)
    assert len(parsed.lexicon) == 2
    assert _reasons(parsed) == {
        4: "more than 2 pronunciations of 'read'",
        5: "more than 2 pronunciations of 'Read'",
    }


def test_list_limit() -> None:
    text = "".join(f"@ list l{i} =\n- item {i}\n" for i in range(21))
    parsed = _parse(text)
    assert len(parsed.lists) == 20
    assert _reasons(parsed) == {
        41: "more than 20 lists",
        42: "item outside any list, lexicon or section",
    }


def test_repeated_list_header_merges_and_says_so() -> None:
    parsed = _parse("@ list a =\n- x\n@ list a =\n- y\n")
    assert parsed.word_list("a").items == ("x", "y")
    assert parsed.report.notes == ("line 3: list 'a' declared again; merged",)


def test_other_locales_do_not_validate_phones() -> None:
    parsed = parse_language_markdown(b"@ speech:phoneticlexicon\n- Haus/h au s\n", locale="de-DE")
    assert parsed.lexicon[0].phones == ("h", "au", "s")
    assert parsed.report.notes == ("phones are not validated for locale de-DE",)


@pytest.mark.parametrize(
    ("phones", "expected"),
    [
        ("k ae t", ("K", "AE", "T")),
        ("K AE1 T", ("K", "AE", "T")),
        ("h ax l ow", ("HH", "AH", "L", "OW")),
        ("D AO T N EH T", ("D", "AO", "T", "N", "EH", "T")),
    ],
)
def test_normalize_phones(phones: str, expected: tuple[str, ...]) -> None:
    assert normalize_phones(phones) == expected


def test_empty_markdown_is_a_dataset_error() -> None:
    with pytest.raises(DatasetError, match="is empty"):
        parse_language_markdown(b"  \n")


def test_item_and_lexicon_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    from voxtune.data import markdown

    monkeypatch.setattr(markdown, "MAX_LIST_ITEMS", 2)
    monkeypatch.setattr(markdown, "MAX_LEXICON_ENTRIES", 1)
    text = "@ list x =\n- a\n- b\n- c\n@ speech:phoneticlexicon\n- a/ey\n- b/b iy\n"
    parsed = _parse(text)
    assert parsed.word_list("x").items == ("a", "b")
    assert _reasons(parsed) == {
        4: "list 'x' has more than 2 items",
        7: "more than 1 lexicon entries",
    }
