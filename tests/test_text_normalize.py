"""Lexical normalization: a table per rule, then real transcripts from ../shared/data."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voxtune.text import is_english, lexical_tokens, normalize_lexical

JFK = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)

CASES = {
    "case and whitespace": [
        ("Hello   World", "hello world"),
        ("  tabs\tand\nnewlines  ", "tabs and newlines"),
        ("", ""),
        ("   ", ""),
        (
            JFK,
            "and so my fellow americans ask not what your country can do for you "
            "ask what you can do for your country",
        ),
    ],
    "punctuation": [
        ("Hello, world!", "hello world"),
        ("What?! (really)... yes; no: maybe", "what really yes no maybe"),
        ('"quoted" «guillemets» ¿qué?', "quoted guillemets qué"),
        ("foo/bar_baz", "foo bar baz"),
        ("*** ### ~~~", ""),
    ],
    "apostrophes": [
        ("don't", "don't"),
        ("It's", "it's"),
        ("'quoted'", "quoted"),
        ("rock'n'roll", "rock'n'roll"),
        ("the students' books", "the students books"),
        ("don’t it‘s", "don't it's"),  # typographic apostrophes unified
        ("don`t", "don't"),
        ("rock 'n' roll", "rock n roll"),
        ("o'clock", "o'clock"),
    ],
    "hyphens and dashes": [
        ("twenty-one", "twenty one"),
        ("e-mail", "e mail"),
        ("well-known state-of-the-art", "well known state of the art"),
        ("yes—no – maybe", "yes no maybe"),
        ("covid-19", "covid nineteen"),
    ],
    "cardinals": [
        ("5", "five"),
        ("I have 5 pencils", "i have five pencils"),
        ("1,234", "one thousand two hundred thirty four"),
        ("1,000,000", "one million"),
        ("12345", "twelve thousand three hundred forty five"),
        ("0", "zero"),
        ("-5", "minus five"),
        ("(-5)", "minus five"),
        ("5-3", "five three"),  # a hyphen between numbers is no minus sign
        ("007", "zero zero seven"),
        ("02134", "zero two one three four"),
    ],
    "decimals": [
        ("3.5", "three point five"),
        ("-3.5", "minus three point five"),
        ("0.25", "zero point two five"),
        (".5", "point five"),
        ("1,234.5", "one thousand two hundred thirty four point five"),
        ("version 1.2.3", "version one point two point three"),
        ("I have 3.", "i have three"),
    ],
    "ordinals": [
        ("21st", "twenty first"),
        ("1st 2nd 3rd 4th", "first second third fourth"),
        ("11th 12th 13th", "eleventh twelfth thirteenth"),
        ("the 100th time", "the one hundredth time"),
        ("1,000th", "one thousandth"),
    ],
    "years": [
        ("1984", "nineteen eighty four"),
        ("in 2024", "in twenty twenty four"),
        ("2005", "two thousand five"),
        ("2000", "two thousand"),
        ("1900", "nineteen hundred"),
        ("1905", "nineteen oh five"),
        ("2010", "twenty ten"),
        ("1066", "one thousand sixty six"),
        ("2100", "two thousand one hundred"),
        ("1,984", "one thousand nine hundred eighty four"),  # grouped: a quantity
        ("-1984", "minus one thousand nine hundred eighty four"),
    ],
    "decades": [
        ("the 1990s", "the nineteen nineties"),
        ("the 1990's", "the nineteen nineties"),
        ("the '80s", "the eighties"),
        ("the 1900s", "the nineteen hundreds"),
    ],
    "currency": [
        ("$5", "five dollars"),
        ("$1", "one dollar"),
        ("$3.50", "three dollars fifty cents"),
        ("$3.05", "three dollars five cents"),
        ("$1.01", "one dollar one cent"),
        ("$0.50", "fifty cents"),
        ("$1.00", "one dollar"),
        ("$0", "zero dollars"),
        ("$1,000", "one thousand dollars"),
        ("$2024", "two thousand twenty four dollars"),  # an amount, not a year
        ("$3.5 million", "three point five million dollars"),
        ("$1 billion", "one billion dollars"),
        ("$0.125", "zero point one two five dollars"),
        ("€10", "ten euros"),
        ("€1", "one euro"),
        ("€2.50", "two euros fifty cents"),
        ("£5", "five pounds"),
        ("£1.01", "one pound one penny"),
        ("£0.20", "twenty pence"),
        ("it costs $ 5.", "it costs five dollars"),
        ("-$5", "minus five dollars"),
        ("5-$5", "five five dollars"),
    ],
    "percent": [
        ("50%", "fifty percent"),
        ("3.5 %", "three point five percent"),
        ("-2%", "minus two percent"),
        ("100% sure", "one hundred percent sure"),
        ("2024%", "two thousand twenty four percent"),
    ],
    "times": [
        ("10:30", "ten thirty"),
        ("at 10:05", "at ten oh five"),
        ("10:00", "ten o'clock"),
        ("14:00", "fourteen hundred"),
        ("John 3:16", "john three sixteen"),
    ],
    "symbols": [
        ("Tom & Jerry", "tom and jerry"),
        ("AT&T", "at and t"),
        ("C++", "c plus plus"),
        ("john@example.com", "john at example com"),
    ],
    "letters and digits": [
        ("mp3", "mp three"),
        ("10am", "ten am"),
        ("B2B", "b two b"),
        ("3CPO", "three cpo"),
    ],
    "spelled letters": [
        ("U M N Y H", "u m n y h"),
        ("A.B.C.", "a b c"),
        ("the U.S.A.", "the u s a"),
        ("NASA", "nasa"),  # one written word stays one token
    ],
    "noise annotations": [
        ("<sil> hello <sil>", "hello"),
        ("<s> hello world </s>", "hello world"),
        ("hello [laughter] world", "hello world"),
        ("[noise] <unk> yes [background noise]", "yes"),
        ("<profanity>darn</profanity> it", "darn it"),  # tags go, the words stay
        ("a < b > c", "a b c"),  # not a tag
    ],
    "unicode": [
        ("ﬁne", "fine"),  # NFKC ligature
        ("Ｆｕｌｌｗｉｄｔｈ １２", "fullwidth twelve"),
        ("x²", "x two"),
        ("café CAFÉ", "café café"),
        ("Straße", "straße"),  # lowercase, not casefold
    ],
    "AN4 transcripts": [
        ("TWO SIX EIGHT FOUR FOUR ONE EIGHT", "two six eight four four one eight"),
        ("RUBOUT W L F X Y SEVEN OH SIX NINE", "rubout w l f x y seven oh six nine"),
        ("MARCH THIRD NINETEEN TWENTY EIGHT", "march third nineteen twenty eight"),
        ("P I T T S B U R G H", "p i t t s b u r g h"),
    ],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(text, expected, id=f"{rule}: {text!r}")
        for rule, cases in CASES.items()
        for text, expected in cases
    ],
)
def test_normalize_lexical_en_us(text: str, expected: str) -> None:
    assert normalize_lexical(text) == expected


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("Straße, l'homme!", "de-DE", "straße l'homme"),
        ("Il a 5 ans.", "fr-FR", "il a 5 ans"),  # digits stay digits outside English
        ("3,5 Prozent", "de-DE", "3 5 prozent"),
        ("Tom & Jerry", "fr-FR", "tom jerry"),  # "&" is language-specific: only removed
        ('测试完成后，将状态更改为 "成功"。', "zh-CN", "测试完成后 将状态更改为 成功"),
        ("テストが完了したら、", "ja-JP", "テストが完了したら"),
        ("हिन्दी भाषा।", "hi-IN", "हिन्दी भाषा"),  # combining vowel signs and virama stay
        ("<sil> Hola [ruido] mundo", "es-ES", "hola mundo"),
    ],
)
def test_normalize_lexical_other_locales(text: str, locale: str, expected: str) -> None:
    assert normalize_lexical(text, locale) == expected


@pytest.mark.parametrize(
    ("locale", "english"),
    [
        ("en-US", True),
        ("en-gb", True),
        ("en_AU", True),
        ("en", True),
        (" EN-us ", True),
        ("de-DE", False),
        ("eng", False),
        ("", False),
        ("zh-CN", False),
    ],
)
def test_is_english(locale: str, english: bool) -> None:
    assert is_english(locale) is english


def test_any_english_locale_spells_numbers() -> None:
    assert normalize_lexical("5 cats", "en-GB") == "five cats"


def test_lexical_tokens_split_the_normal_form() -> None:
    expected = ["don't", "buy", "twenty", "one", "e", "books"]
    assert lexical_tokens("Don't buy 21 e-books!") == expected
    assert lexical_tokens("") == []
    assert lexical_tokens("Il a 5 ans", "fr-FR") == ["il", "a", "5", "ans"]


@pytest.mark.parametrize(
    "text",
    [JFK, "$3.50 on 21st May 1984 at 10:30, 50% off!", "U.S.A. rock'n'roll [noise] <sil>", "Ｘ-²"],
)
def test_normalization_is_idempotent(text: str) -> None:
    once = normalize_lexical(text)
    assert normalize_lexical(once) == once


def test_a_huge_number_does_not_crash() -> None:
    assert normalize_lexical("9" * 5000) == " ".join(["nine"] * 5000)


def _transcripts(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as zipped:
        lines = zipped.read("trans.txt").decode("utf-8-sig").splitlines()
    return [line.split("\t", 1)[1] for line in lines if line.strip()]


@pytest.mark.parametrize("archive", ["an4/dev.zip", "an4/train.zip", "fsdd/train.zip"])
def test_spoken_form_transcripts_only_change_case(shared_data: Path, archive: str) -> None:
    # AN4 and FSDD transcripts are already words as spoken: normalizing only lowercases them.
    transcripts = _transcripts(shared_data / archive)
    assert len(transcripts) > 100
    for text in transcripts:
        assert normalize_lexical(text) == " ".join(text.lower().split()), text


def test_smoke_transcripts(smoke_dir: Path) -> None:
    lines = (smoke_dir / "trans.txt").read_text(encoding="utf-8-sig").splitlines()
    normalized = dict(
        (name, normalize_lexical(text)) for name, text in (line.split("\t", 1) for line in lines)
    )
    assert normalized["jfk.flac"] == normalize_lexical(JFK)
    assert normalized["sense_and_sensibility_01_austen_64kb-0880.wav"] == (
        "he was not an ill disposed young man"
    )


_TRICKY = list("aZ09 ,.-'$€£%&+@:[]<>/_ñé’´`stndrh\t\n²½İßﬁ测")


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(_TRICKY), max_size=30) | st.text(max_size=20))
def test_any_text_normalizes_to_digit_free_single_spaced_words(text: str) -> None:
    normalized = normalize_lexical(text)
    assert normalized == " ".join(normalized.split())
    assert not any("0" <= char <= "9" for char in normalized)
    assert normalize_lexical(normalized) == normalized
    other = normalize_lexical(text, "de-DE")
    assert other == " ".join(other.split())
    assert normalize_lexical(other, "de-DE") == other
