"""Sphinx-3 parameter files: byte-exact round trips on the base model, quantization, mdef."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from voxtune.engine.bundle import base_bundle
from voxtune.engine.sphinx.adapt import s3io
from voxtune.engine.sphinx.adapt.model import load_acoustic_model, save_acoustic_model
from voxtune.errors import ModelError

BASE = base_bundle().acoustic_model_dir


@pytest.mark.parametrize(
    ("name", "read", "write"),
    [
        ("means", s3io.read_gaussians, s3io.write_gaussians),
        ("variances", s3io.read_gaussians, s3io.write_gaussians),
        ("transition_matrices", s3io.read_s3_array, s3io.write_s3_array),
        ("sendump", s3io.read_sendump, s3io.write_sendump),
    ],
)
def test_round_trip_is_byte_exact(tmp_path: Path, name: str, read, write) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path / name, read(BASE / name))
    assert (tmp_path / name).read_bytes() == (BASE / name).read_bytes()


def test_base_shapes() -> None:
    assert s3io.read_gaussians(BASE / "means").values.shape == (42, 3, 128, 13)
    assert s3io.read_sendump(BASE / "sendump").quantized.shape == (3, 128, 5126)


def test_corrupt_data_fails_the_checksum(tmp_path: Path) -> None:
    data = bytearray((BASE / "means").read_bytes())
    data[5000] ^= 0x01
    (tmp_path / "means").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum"):
        s3io.read_gaussians(tmp_path / "means")


def test_truncated_file_is_a_model_error(tmp_path: Path) -> None:
    (tmp_path / "means").write_bytes((BASE / "means").read_bytes()[:1000])
    with pytest.raises(ModelError):
        s3io.read_gaussians(tmp_path / "means")


def test_not_an_s3_file(tmp_path: Path) -> None:
    (tmp_path / "means").write_text("hello")
    with pytest.raises(ModelError, match="not a Sphinx-3"):
        s3io.read_gaussians(tmp_path / "means")


def test_sendump_dequantize_requantize_is_the_identity() -> None:
    sendump = s3io.read_sendump(BASE / "sendump")
    weights = sendump.weights()
    np.testing.assert_allclose(weights.sum(-1), 1.0)
    assert np.array_equal(sendump.with_weights(weights).quantized, sendump.quantized)


def test_quantization_error_is_below_one_step() -> None:
    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.full(128, 0.3), size=(50, 3))
    weights = weights[weights.min(-1) > np.exp(-150 * s3io.SENDUMP_LOG_UNIT)]
    restored = s3io.dequantize(s3io.quantize(weights))
    error = np.abs(np.log(restored) - np.log(weights))
    assert error.max() < s3io.SENDUMP_LOG_UNIT * 1.5  # half a step, plus renormalization
    assert s3io.quantize(np.array([0.0, 1e-30]))[0] == s3io.MAX_NEG_MIXW


def test_model_definition_maps_senones_to_phone_codebooks() -> None:
    mdef = s3io.read_model_definition(BASE / "mdef")
    assert mdef.n_senones == 5126
    assert len(mdef.ciphones) == 42 and mdef.ciphones[32] == "SIL"
    # CI senones come first, 3 per CI phone, in phone order.
    assert list(mdef.senone_codebook[:126]) == [p for p in range(42) for _ in range(3)]
    assert mdef.senone_codebook.min() >= 0 and mdef.senone_codebook.max() == 41


def test_saving_an_unchanged_model_reproduces_every_file(tmp_path: Path) -> None:
    save_acoustic_model(load_acoustic_model(BASE), tmp_path)
    for path in BASE.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_directory_without_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no mdef"):
        load_acoustic_model(tmp_path)
