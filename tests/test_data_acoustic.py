"""Acoustic and AudioFiles zips: every audio file and transcript line accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_data_support import acoustic_zip, wav_bytes, write_zip, zip_bytes
from voxtune.audio import probe_audio
from voxtune.data import (
    ReportEntry,
    iter_audio,
    iter_audio_files,
    parse_acoustic,
    parse_audio_files,
)
from voxtune.errors import AudioError, DatasetError, TextEncodingError

CORRUPT = b"RIFF\x10\x00\x00\x00WAVEfmt "  # a WAV header cut short


def _reasons(entries: tuple[ReportEntry, ...]) -> dict[tuple[str, int | None], str]:
    return {(e.item, e.line): e.reason for e in entries}


def test_both_directions_and_every_item_counted(tmp_path: Path) -> None:
    audio = wav_bytes()
    transcript = "\n".join(
        [
            "a.wav\thello world",  # 1 ok
            "missing.wav\tno such file",  # 2 transcript line for a missing file
            "a.wav\thello again",  # 3 duplicate
            "c.wav\t   ",  # 4 empty transcript
            "no tab here",  # 5 malformed
            "",  # 6 blank: skipped
            "B.WAV\tcase differs",  # 7 near miss for b.wav
        ]
    )
    path = acoustic_zip(
        tmp_path / "d.zip", transcript, {"a.wav": audio, "b.wav": audio, "c.wav": audio}
    )
    report = parse_acoustic(path).report
    reasons = _reasons(report.rejected_entries)
    assert reasons[("missing.wav", 2)] == "transcript line for a file missing from the zip"
    assert reasons[("a.wav", 3)] == "duplicate name; line 1 already names it"
    assert reasons[("c.wav", 4)] == "empty transcript"
    assert reasons[("trans.txt", 5)] == "expected 'file name<TAB>transcript'"
    assert reasons[("b.wav", None)] == (
        "no transcript line (names are case-sensitive: did you mean 'B.WAV'?)"
    )
    assert "did you mean 'b.wav'" in reasons[("B.WAV", 7)]
    assert (report.accepted, report.rejected, report.skipped) == (1, 6, 1)
    assert len(report.rejected_entries) == report.rejected


def test_corrupt_audio_is_rejected_with_the_audio_error_and_others_accepted(
    tmp_path: Path,
) -> None:
    path = acoustic_zip(
        tmp_path / "d.zip",
        "good.wav\tgood\nbad.wav\tbad\n",
        {"good.wav": wav_bytes(), "bad.wav": CORRUPT},
    )
    dataset = parse_acoustic(path)
    with pytest.raises(AudioError) as expected:
        probe_audio(CORRUPT, name="bad.wav")
    (entry,) = dataset.report.rejected_entries
    assert (entry.item, entry.line) == ("bad.wav", 2)
    assert entry.reason == f"unreadable audio: {expected.value.message}"
    assert [u.name for u in dataset.utterances] == ["good.wav"]


def test_utterance_fields_and_audio_read_back(tmp_path: Path) -> None:
    audio = wav_bytes(seconds=1.25, rate_hz=8000)
    path = acoustic_zip(tmp_path / "d.zip", "x.wav\tI have 2 cats.\r\n", {"x.wav": audio})
    dataset = parse_acoustic(path)
    (utterance,) = dataset.utterances
    assert utterance.transcript == "I have 2 cats."
    assert utterance.normalized == "i have two cats"
    assert utterance.duration_s == pytest.approx(1.25)
    assert (utterance.sample_rate_hz, utterance.channels, utterance.text_only) == (8000, 1, False)
    assert list(iter_audio(dataset)) == [(utterance, audio)]
    assert dataset.report.audio_duration_s == pytest.approx(1.25)


def test_zip_given_as_bytes_reads_back_too() -> None:
    audio = wav_bytes()
    dataset = parse_acoustic(zip_bytes({"x.wav": audio, "trans.txt": b"x.wav\thi"}))
    assert [data for _, data in iter_audio(dataset)] == [audio]


def test_non_azure_audio_is_accepted_with_a_note(tmp_path: Path) -> None:
    flac = wav_bytes(rate_hz=44_100, channels=2, fmt="FLAC", subtype="PCM_24")
    path = acoustic_zip(tmp_path / "d.zip", "music.flac\tla la\n", {"music.flac": flac})
    report = parse_acoustic(path).report
    (entry,) = report.entries
    assert entry.status == "accepted"
    assert entry.reason == (
        "accepted leniently, not WAV PCM 16-bit mono 8/16 kHz: FLAC/PCM_24, 2 channels, 44100 Hz"
    )


def test_audio_over_40_seconds_is_text_only(tmp_path: Path) -> None:
    path = acoustic_zip(
        tmp_path / "d.zip",
        "long.wav\tlong one\n",
        {"long.wav": wav_bytes(seconds=41, rate_hz=8000)},
    )
    dataset = parse_acoustic(path)
    assert dataset.utterances[0].text_only
    assert dataset.report.rejected == 0
    assert dataset.report.entries[0].reason.startswith("text only for training: 41.0 s > 40 s")


def test_transcript_without_words_is_rejected(tmp_path: Path) -> None:
    path = acoustic_zip(tmp_path / "d.zip", "a.wav\t...\n", {"a.wav": wav_bytes()})
    report = parse_acoustic(path).report
    assert report.rejected_entries[0].reason == "transcript has no words after normalization"
    assert not report.usable


def test_single_tsv_transcript_and_extra_text_files(tmp_path: Path) -> None:
    entries = {"a.wav": wav_bytes(), "labels.tsv": b"a.wav\thi\n", "notes.md": b"# hi"}
    dataset = parse_acoustic(write_zip(tmp_path / "d.zip", entries))
    assert [u.transcript for u in dataset.utterances] == ["hi"]
    (entry,) = dataset.report.rejected_entries
    assert (entry.item, entry.reason) == ("notes.md", "not an audio file (extra text file)")


def test_trans_txt_wins_over_other_text_files(tmp_path: Path) -> None:
    entries = {"a.wav": wav_bytes(), "trans.txt": b"a.wav\thi\n", "readme.txt": b"a.wav\tx"}
    report = parse_acoustic(write_zip(tmp_path / "d.zip", entries)).report
    assert report.accepted == 1
    assert _reasons(report.rejected_entries) == {
        ("readme.txt", None): "not an audio file (extra text file)",
    }


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"a.wav": b"x"}, "no transcript file"),
        ({"a.wav": b"x", "one.txt": b"", "two.txt": b""}, "several transcript files"),
    ],
)
def test_unusable_acoustic_zips(tmp_path: Path, entries: dict[str, bytes], message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        parse_acoustic(write_zip(tmp_path / "d.zip", entries))


def test_utf16_transcript_is_accepted_and_noted(tmp_path: Path) -> None:
    trans = "a.wav\tcafé au lait\r\n".encode("utf-16")  # BOM + UTF-16-LE, as Notepad saves it
    path = write_zip(tmp_path / "d.zip", {"a.wav": wav_bytes(), "trans.txt": trans})
    dataset = parse_acoustic(path)
    assert dataset.utterances[0].transcript == "café au lait"
    assert dataset.report.notes == (
        "trans.txt: decoded as UTF-16-LE with BOM (Azure requires UTF-8)",
    )


def test_cp1252_transcript_is_an_encoding_error(tmp_path: Path) -> None:
    trans = "a.wav\tna\u00efve caf\u00e9\n".encode("cp1252")
    path = write_zip(tmp_path / "d.zip", {"a.wav": wav_bytes(), "trans.txt": trans})
    with pytest.raises(TextEncodingError, match=r"trans\.txt: not valid UTF-8 at byte offset 8"):
        parse_acoustic(path)


def test_audio_files_dataset(tmp_path: Path) -> None:
    audio = wav_bytes(seconds=0.75)
    entries = {"a.wav": audio, "b.wav": CORRUPT, "trans.txt": b"a.wav\tx"}
    dataset = parse_audio_files(write_zip(tmp_path / "d.zip", entries))
    assert [(f.name, f.duration_s) for f in dataset.files] == [("a.wav", 0.75)]
    reasons = _reasons(dataset.report.rejected_entries)
    assert reasons[("b.wav", None)].startswith("unreadable audio: b.wav: truncated WAV")
    assert reasons[("trans.txt", None)] == "not an audio file (extra text file)"
    assert (dataset.report.accepted, dataset.report.rejected) == (1, 2)
    assert list(iter_audio_files(dataset)) == [(dataset.files[0], audio)]
