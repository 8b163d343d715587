"""build_lexicon, and pocketsphinx loading and decoding with a dictionary we wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile
from pocketsphinx import Decoder

from voxtune.engine.bundle import base_bundle
from voxtune.lexicon import (
    AddedWord,
    FailedWord,
    LetterRuleG2P,
    Lexicon,
    PhoneSet,
    UserPronunciation,
    build_lexicon,
    from_spoken_form,
    read_phone_set,
)
from voxtune.lexicon.g2p import default_g2p


@pytest.fixture(scope="module")
def base() -> Lexicon:
    return Lexicon.load(base_bundle().dictionary_path)


@pytest.fixture(scope="module")
def phone_set() -> PhoneSet:
    return read_phone_set(base_bundle().acoustic_model_dir)


def test_every_vocabulary_word_is_covered_or_reported(base: Lexicon) -> None:
    vocabulary = ["hello", "world", "voxtune", "IBX", "r2-d2", "c++", "жук", "hello"]
    build = build_lexicon(vocabulary, base=base)
    assert build.lexicon.words() == sorted(["hello", "world", "voxtune", "IBX", "r2-d2"])
    assert [(a.word, a.source) for a in build.added] == [
        ("IBX", "spelled"),
        ("r2-d2", "spelled"),
        ("voxtune", "g2p"),
    ]
    assert [f.word for f in build.failed] == ["c++", "жук"]
    assert build.from_base == 2
    assert build.lexicon.pronunciations("hello") == base.pronunciations("hello")  # variants kept


def test_markers_and_blank_tokens_are_skipped(base: Lexicon) -> None:
    build = build_lexicon(["<s>", "</s>", "<unk>", "<sil>", "[NOISE]", "", " ", "yes"], base=base)
    assert build.lexicon.words() == ["yes"]
    assert build.failed == ()


def test_case_variant_of_a_base_word_takes_its_pronunciation(base: Lexicon) -> None:
    build = build_lexicon(["IBM", "Hello"], base=base)
    assert build.lexicon.pronunciations("IBM") == base.pronunciations("ibm")
    assert build.lexicon.pronunciations("Hello") == base.pronunciations("hello")
    assert build.added == ()


def test_user_words_are_included_and_win(base: Lexicon) -> None:
    user = [from_spoken_form("IEEE", "i triple e"), from_spoken_form("read", "red")]
    build = build_lexicon(["read", "book"], base=base, user=user)
    assert build.lexicon.words() == ["book", "ieee", "read"]
    assert build.lexicon.pronunciations("read") == (base.pronunciations("red")[0],)
    assert {a.word for a in build.added if a.source == "user"} == {"ieee", "read"}


def test_given_g2p_is_used(base: Lexicon) -> None:
    build = build_lexicon(["voxtune"], base=base, g2p=LetterRuleG2P())
    assert build.added == (
        AddedWord("voxtune", (("V", "AA", "K", "S", "T", "AH", "N", "EH"),), "g2p"),
    )


def test_phone_set_refuses_foreign_phones(base: Lexicon, phone_set: PhoneSet) -> None:
    user = [UserPronunciation(word="zork", display="zork", phones=(("Z", "QQ", "K"),))]
    build = build_lexicon(["hello"], base=base, user=user, phone_set=phone_set)
    assert build.failed == (
        FailedWord("zork", "uses phone(s) the acoustic model does not have: QQ"),
    )
    assert "zork" not in build.lexicon
    assert build.added == ()


def test_build_is_deterministic(base: Lexicon, tmp_path: Path) -> None:
    vocabulary = ["zeta", "voxtune", "alpha", "3cpo", "hello"]
    first = build_lexicon(vocabulary, base=base)
    second = build_lexicon(list(reversed(vocabulary)), base=base)
    assert first == second
    first.lexicon.write(tmp_path / "a.dict")
    second.lexicon.write(tmp_path / "b.dict")
    assert (tmp_path / "a.dict").read_bytes() == (tmp_path / "b.dict").read_bytes()


def _decoder(dictionary: Path) -> Decoder:
    return Decoder(
        hmm=str(base_bundle().acoustic_model_dir), dict=str(dictionary), lm=None, loglevel="ERROR"
    )


def test_decoder_loads_written_dictionary_and_adds_words(base: Lexicon, tmp_path: Path) -> None:
    user = [from_spoken_form("3CPO", "three c p o")]
    build = build_lexicon(["hello", "voxtune", "IBX"], base=base, user=user)
    path = tmp_path / "words.dict"
    build.lexicon.write(path)
    decoder = _decoder(path)
    assert decoder.lookup_word("3cpo") == "TH R IY S IY P IY OW"
    assert decoder.lookup_word("hello(2)") == "HH EH L OW"
    assert decoder.lookup_word("voxtune") == " ".join(build.lexicon.pronunciations("voxtune")[0])
    assert decoder.lookup_word("world") is None  # only the words asked for
    # At run time (a custom word for a running endpoint): G2P'd phones are accepted as well.
    phones = default_g2p().predict("pocketsphinxy")
    decoder.add_word("pocketsphinxy", " ".join(phones), True)
    assert decoder.lookup_word("pocketsphinxy") == " ".join(phones)


def test_decoding_with_a_g2p_word_in_a_grammar(
    base: Lexicon, smoke_dir: Path, tmp_path: Path
) -> None:
    """The clip says "he was not an ill disposed young man". Pretend the base lacks
    "disposed": the G2P pronunciation must still let the decoder pick the right sentence."""
    sentence = "he was not an ill disposed young man"
    decoys = ["he was not an old proposed young man", "she was not an ill disposed old man"]
    vocabulary = {w for s in [sentence, *decoys] for w in s.split()}
    without = Lexicon.from_pronunciations(
        (w, base.pronunciations(w)) for w in vocabulary if w != "disposed"
    )
    build = build_lexicon(sorted(vocabulary), base=without)
    assert [(a.word, a.source) for a in build.added] == [("disposed", "g2p")]
    path = tmp_path / "grammar.dict"
    build.lexicon.write(path)
    decoder = _decoder(path)
    alternatives = " | ".join([sentence, *decoys])
    decoder.add_jsgf_string("test", f"#JSGF V1.0; grammar test; public <s> = {alternatives};")
    decoder.activate_search("test")
    audio, rate = soundfile.read(
        smoke_dir / "sense_and_sensibility_01_austen_64kb-0880.wav", dtype="int16"
    )
    assert rate == 16_000
    decoder.start_utt()
    decoder.process_raw(audio.tobytes(), full_utt=True)
    decoder.end_utt()
    assert decoder.hyp() is not None
    assert decoder.hyp().hypstr == sentence
