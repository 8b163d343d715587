"""ARPA files: round trip, tolerant reading, bad input, and pocketsphinx reading what we write."""

from __future__ import annotations

import io
import math
import wave
import zipfile
from pathlib import Path

import numpy as np
import pocketsphinx
import pytest

from voxtune.engine.bundle import base_model_dir
from voxtune.errors import ModelError
from voxtune.lm import NGramModel, arpa_to_binary, estimate, read_arpa, read_binary, write_arpa
from voxtune.lm.arpa import read_arpa_from
from voxtune.text import lexical_tokens

TOY = [s.split() for s in ["a b c a b", "b c a", "a b a b c d", "c c c", "d a b c", "a"]]
LOG10_PER_UNIT = math.log10(1.0001)  # pocketsphinx scores are in log base 1.0001

SMALL_ARPA = """some tool's banner before the data section

\\data\\
ngram 1=5
ngram 2=99

\\1-grams:
-99\t<s>\t-0.30
-0.60\t</s>
-0.50\ta\t-0.20

-0.70\tb\t-0.10
-1.00\tc

\\2-grams:
-0.25\t<s> a\t-0.05
-0.40\ta b
-0.30\tb </s>

\\3-grams:
-0.10\t<s> a b
-0.20\ta b </s>
\\end\\
"""


def every_ngram(model: NGramModel) -> list[tuple[str, ...]]:
    return [
        tuple(model.words[i] for i in row)
        for order in range(1, model.order + 1)
        for row in model.ngram_words(order).tolist()
    ]


def test_round_trip(tmp_path: Path) -> None:
    model = estimate(TOY, 3, vocabulary_extra=["never"])
    path = tmp_path / "toy.arpa"
    write_arpa(model, path)
    again = read_arpa(path)
    assert again.counts == model.counts
    assert set(again.words) == set(model.words)
    for gram in every_ngram(model):
        assert again.logprob(gram[-1], gram[:-1]) == pytest.approx(
            model.logprob(gram[-1], gram[:-1]), abs=1e-6
        )


def test_reader_tolerates_banner_blank_lines_and_wrong_counts() -> None:
    model = read_arpa_from(io.StringIO(SMALL_ARPA))
    assert model.counts == (5, 3, 2)  # the \\data\\ count of 99 bigrams is ignored
    assert model.logprob("b", ["<s>", "a"]) == pytest.approx(-0.10)
    # backoff: p(c | a b) = bo(a b) + bo(b) + p(c); bo(a b) = 0 as it lists none
    assert model.logprob("c", ["a", "b"]) == pytest.approx(-0.10 + -1.00)
    assert model.logprob("</s>", ["<s>", "a"]) == pytest.approx(-0.05 + -0.20 + -0.60)


def test_missing_prefix_is_completed() -> None:
    # "b </s>" exists but its trigram "a b </s>" needs the prefix "a b" -- present; the
    # trigram "<s> a b" needs "<s> a" -- present. Drop "a b" to force a completion.
    text = SMALL_ARPA.replace("-0.40\ta b\n", "")
    model = read_arpa_from(io.StringIO(text))
    assert model.counts == (5, 2 + 1, 2)
    # the added prefix carries its backed-off probability: bo(a) + p(b)
    assert model.logprob("b", ["a"]) == pytest.approx(-0.20 + -0.70)
    assert model.logprob("</s>", ["a", "b"]) == pytest.approx(-0.20)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just text\n", "no \\\\data\\\\"),
        ("\\data\\\nngram 1=1\n\\1-grams:\n-x\ta\n\\end\\\n", "bad number"),
        ("\\data\\\nngram 1=1\n\\1-grams:\n-1\ta\n\\2-grams:\n-1\ta b\n\\end\\\n", "not in"),
        ("\\data\\\nngram 1=1\n\\2-grams:\n-1\ta b\n\\end\\\n", "1-grams"),
        ("\\data\\\nngram 1=1\n\\1-grams:\n-1\ta\n-1\ta\n\\end\\\n", "twice"),
        ("\\data\\\nngram 1=1\n\\1-grams:\n-1\n\\end\\\n", "malformed"),
        ("\\data\\\nngram 1=1\n\\1-grams:\nnan\ta\n\\end\\\n", "non-finite"),
        ("\\data\\\ngarbage\n\\1-grams:\n-1\ta\n\\end\\\n", "unexpected"),
    ],
)
def test_bad_files_are_model_errors(text: str, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        read_arpa_from(io.StringIO(text))


def test_unreadable_file_is_model_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.arpa"
    path.write_bytes(b"\\data\\\n\xff\xfe\n")
    with pytest.raises(ModelError):
        read_arpa(path)
    with pytest.raises(ModelError):
        read_arpa(tmp_path / "missing.arpa")


def test_pocketsphinx_reads_our_arpa_and_binary(tmp_path: Path) -> None:
    model = estimate(TOY, 3)
    arpa = tmp_path / "toy.arpa"
    binary = tmp_path / "toy.lm.bin"
    write_arpa(model, arpa)
    arpa_to_binary(arpa, binary)
    theirs = pocketsphinx.NGramModel.readfile(str(arpa))
    from_binary = read_binary(binary)
    for gram in every_ngram(model):
        if gram[-1] == "<s>":
            continue
        ours = model.logprob(gram[-1], gram[:-1])
        # NGramModel.prob takes the predicted word first, then the history backwards
        assert theirs.prob(list(gram[::-1])) * LOG10_PER_UNIT == pytest.approx(ours, abs=1e-3)
        assert from_binary.logprob(gram[-1], gram[:-1]) == pytest.approx(ours, abs=1e-3)


def test_binary_conversion_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.arpa"
    bad.write_text("not an lm\n", encoding="utf-8")
    with pytest.raises(ModelError):
        arpa_to_binary(bad, tmp_path / "bad.lm.bin")


def test_decoder_uses_our_binary(tmp_path: Path, an4_train_zip: Path) -> None:
    """A decoder loads the binary we write and recognizes an AN4 clip with it."""
    with zipfile.ZipFile(an4_train_zip) as archive:
        lines = archive.read("trans.txt").decode("utf-8-sig").splitlines()
        transcripts = dict(line.split("\t", 1) for line in lines if line.strip())
        name = next(n for n, text in transcripts.items() if text == "ENTER SIX TWO FOUR")
        with wave.open(io.BytesIO(archive.read(name))) as clip:
            pcm = clip.readframes(clip.getnframes())
    model = estimate([lexical_tokens(text) for text in transcripts.values()])
    arpa = tmp_path / "an4.arpa"
    binary = tmp_path / "an4.lm.bin"
    write_arpa(model, arpa)
    arpa_to_binary(arpa, binary)
    base = base_model_dir()
    # the dictionary limited to the model's words: every LM word needs one, and it loads fast
    vocabulary = set(model.vocabulary())
    entries = (base / "cmudict-en-us.dict").read_text(encoding="utf-8").splitlines()
    dictionary = tmp_path / "an4.dict"
    dictionary.write_text(
        "\n".join(e for e in entries if e.split(" ", 1)[0].split("(")[0] in vocabulary) + "\n",
        encoding="utf-8",
    )
    decoder = pocketsphinx.Decoder(
        hmm=str(base / "en-us"), lm=str(binary), dict=str(dictionary), logfn="/dev/null"
    )
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    assert decoder.hyp().hypstr == "enter six two four"
    assert np.all(np.isfinite(model.tables[0].logprob))
