"""`voxtune dataset check`: readable or JSON report, exit 0 only for a usable dataset."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from test_data_support import acoustic_zip, wav_bytes
from voxtune.cli.dataset import dataset_group
from voxtune.data import DatasetKind
from voxtune.errors import DatasetError, TextEncodingError


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(dataset_group, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_usable_dataset_text_report(an4_dev_zip: Path) -> None:
    code, out, _ = _run(str(an4_dev_zip), "--kind", "acoustic")
    assert code == 0
    assert out.splitlines()[:3] == [
        "Acoustic dataset dev.zip",
        "  accepted 113, rejected 0, skipped 0",
        "  audio 279.2 s (4.7 min)",
    ]


def test_json_report_lists_rejections(tmp_path: Path) -> None:
    path = acoustic_zip(tmp_path / "d.zip", "a.wav\thi\nb.wav\tyo\n", {"a.wav": wav_bytes()})
    code, out, _ = _run(str(path), "--kind", "Acoustic", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["kind"] == DatasetKind.ACOUSTIC.value
    assert report["totals"] == {
        "accepted": 1,
        "rejected": 1,
        "skipped": 0,
        "audioDurationSeconds": 0.5,
    }
    assert report["entries"] == [
        {
            "item": "b.wav",
            "status": "rejected",
            "reason": "transcript line for a file missing from the zip",
            "line": 2,
        }
    ]


def test_unusable_dataset_exits_with_the_dataset_error_code(tmp_path: Path) -> None:
    path = tmp_path / "lm.txt"
    path.write_text("https://example.com\n")
    code, out, err = _run(str(path), "--kind", "Language")
    assert code == DatasetError.exit_code == 2
    assert "rejected: lm.txt line 1: contains a URI" in out
    assert "error (InvalidDataset): lm.txt: no usable items (1 rejected)" in err


def test_unreadable_dataset_reports_the_error(tmp_path: Path) -> None:
    path = tmp_path / "lm.txt"
    path.write_bytes(b"caf\xe9\n")
    code, out, err = _run(str(path), "--kind", "language")
    assert code == TextEncodingError.exit_code
    assert out == ""
    assert "error (NoUtf8WithBom): lm.txt: not valid UTF-8 at byte offset 3" in err


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "d.zip"
    path.write_text("hello")
    code, _, err = _run(str(path), "--kind", "AudioFiles")
    assert code == 2 and "d.zip is not a readable zip archive" in err


def test_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("hi")
    code, _, err = _run(str(path), "--kind", "Video")
    assert code == 2 and "Invalid value for '--kind'" in err
