"""A small real adaptation: 30 AN4 utterances -> a model pocketsphinx loads and decodes with."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxtune.audio import Audio
from voxtune.engine.bundle import base_bundle
from voxtune.engine.sphinx.adapt import AdaptationReport, AdaptOptions, adapt_acoustic_model
from voxtune.errors import InvalidInputError, ModelError

BASE = base_bundle().acoustic_model_dir


def _an4_utterances(zip_path: Path, count: int) -> list[tuple[str, bytes, str]]:
    with zipfile.ZipFile(zip_path) as archive:
        lines = archive.read("trans.txt").decode("utf-8-sig").splitlines()
        items = [line.split("\t", 1) for line in lines[:count]]
        return [
            (name, sf.read(io.BytesIO(archive.read(name)), dtype="int16")[0].tobytes(),
             text.lower())
            for name, text in items
        ]


@pytest.fixture(scope="module")
def adapted(an4_train_zip: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Path, AdaptationReport, list[tuple[str, bytes, str]]]:
    utterances = _an4_utterances(an4_train_zip, 30)
    pcm = utterances[0][1]
    samples = np.frombuffer(utterances[1][1], dtype="<i2").astype(np.float32) / np.float32(32768)
    inputs: list[tuple[str, Audio | bytes, str]] = [*utterances[2:]]
    inputs += [
        (utterances[1][0], Audio(samples, 16000), utterances[1][2]),  # Audio objects too
        ("wrong-words", pcm, "the quick brown fox jumps over the lazy dog again and again"),
        ("unknown-word", pcm, "zyxxyqq"),
    ]
    out = tmp_path_factory.mktemp("adapted")
    progress: list[tuple[int, int]] = []
    report = adapt_acoustic_model(BASE, inputs, out, AdaptOptions(mllr="never"),
                                  on_progress=lambda done, total: progress.append((done, total)))
    assert progress[-1] == (len(inputs), len(inputs))
    return out, report, utterances


def test_report_counts_and_reasons(adapted: tuple[Path, AdaptationReport, list]) -> None:  # type: ignore[type-arg]
    _, report, _ = adapted
    assert (report.utterances_total, report.utterances_aligned) == (31, 29)
    reasons = {f.utterance_id: f.reason for f in report.failures}
    assert "does not match" in reasons["wrong-words"]
    assert reasons["unknown-word"] == "not in the dictionary: zyxxyqq"
    assert report.frames_aligned > 5000 and report.audio_seconds_aligned > 50
    assert report.senones_updated > 100 and report.gaussians_updated > 1000
    assert not report.mllr_applied and [p.name for p in report.passes] == ["base"]


def test_adapted_model_loads_and_decodes(adapted: tuple[Path, AdaptationReport, list]) -> None:  # type: ignore[type-arg]
    import pocketsphinx

    out, _, utterances = adapted
    for name in ("mdef", "transition_matrices", "feat.params", "noisedict"):
        assert (out / name).read_bytes() == (BASE / name).read_bytes()
    for name in ("means", "sendump"):
        assert (out / name).read_bytes() != (BASE / name).read_bytes()
    decoder = pocketsphinx.Decoder(hmm=str(out), loglevel="ERROR")
    _, pcm, _ = utterances[3]
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    assert decoder.hyp() is not None and decoder.hyp().hypstr.strip()


def test_invalid_options_and_inputs(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        adapt_acoustic_model(BASE, [("a", b"\0\0", "yes")], tmp_path, AdaptOptions(passes=0))
    with pytest.raises(InvalidInputError):
        adapt_acoustic_model(BASE, [], tmp_path)
    with pytest.raises(ModelError):
        adapt_acoustic_model(tmp_path, [("a", b"\0\0", "yes")], tmp_path / "out")
