"""Defensive zip reading: unsafe names, zip bombs, lying headers, bad archives, layout."""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from test_data_support import acoustic_zip, wav_bytes, write_zip, zip_bytes
from voxtune.data import ZipLimits, open_zip, parse_acoustic
from voxtune.errors import DatasetError

MiB = 1024 * 1024


def _rejected(source: bytes | Path, limits: ZipLimits | None = None) -> dict[str, str]:
    with open_zip(source, limits) as archive:
        return {entry.item: entry.reason for entry in archive.rejected}


def _patch_central_size(data: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size of the first entry in the central directory."""
    at = data.index(b"PK\x01\x02") + 24
    return data[:at] + struct.pack("<I", declared) + data[at + 4 :]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.wav", "zip slip"),
        ("sub/../../evil.wav", "zip slip"),
        ("..\\evil.wav", "zip slip"),
        ("/abs.wav", "absolute path"),
        ("\\abs.wav", "absolute path"),
        ("C:/evil.wav", "drive letter"),
        ("c:\\windows\\evil.wav", "drive letter"),
    ],
)
def test_unsafe_names_are_rejected_never_read(name: str, reason: str) -> None:
    data = zip_bytes({name: b"x", "ok.wav": b"y"})
    with open_zip(data) as archive:
        assert [m.name for m in archive.members] == ["ok.wav"]
        (entry,) = archive.rejected
    assert entry.item == name and reason in entry.reason and entry.status == "rejected"


def test_symlink_entry_is_rejected() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("link.wav")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("ok.wav", b"y")
    assert _rejected(buffer.getvalue()) == {"link.wav": "symbolic link"}


def test_zip_slip_in_an_acoustic_dataset_writes_nothing(tmp_path: Path) -> None:
    audio = wav_bytes()
    path = acoustic_zip(
        tmp_path / "slip.zip",
        "good.wav\thello\n../evil.wav\tevil\n/abs.wav\tabs\n",
        {"good.wav": audio, "../evil.wav": audio, "/abs.wav": audio},
    )
    report = parse_acoustic(path).report
    assert report.accepted == 1
    reasons = {(e.item, e.reason.split(" (")[0]) for e in report.rejected_entries}
    assert ("../evil.wav", "'..' in path") in reasons
    assert ("/abs.wav", "absolute path") in reasons
    # their transcript lines now point at files that are not in the dataset
    orphans = {e.item for e in report.rejected_entries if "missing from the zip" in e.reason}
    assert orphans == {"../evil.wav", "/abs.wav"}
    # nothing was extracted anywhere
    assert list(tmp_path.iterdir()) == [path]
    assert not (tmp_path.parent / "evil.wav").exists()
    assert not Path("/abs.wav").exists()
    assert not (Path.cwd() / "evil.wav").exists()


def test_highly_compressible_entry_is_a_zip_bomb() -> None:
    data = zip_bytes({"zeros.wav": bytes(20 * MiB)})  # deflates ~1000x
    assert len(data) < MiB
    with pytest.raises(DatasetError, match="zip bomb"):
        open_zip(data)


def test_entry_claiming_a_huge_size_is_refused() -> None:
    data = _patch_central_size(zip_bytes({"a.wav": b"x" * 100}), 0xFFFF_FFF0)  # ~4 GiB
    with pytest.raises(DatasetError, match="declares 4294967280 uncompressed bytes"):
        open_zip(data)


def test_total_size_limit() -> None:
    data = zip_bytes({"a.wav": bytes(600), "b.wav": bytes(600)})
    with pytest.raises(DatasetError, match="limit is 1000"):
        open_zip(data, ZipLimits(max_total_bytes=1000))


def test_too_many_files() -> None:
    data = zip_bytes({f"{i}.wav": b"x" for i in range(5)})
    with pytest.raises(DatasetError, match="has 5 files; the limit is 4"):
        open_zip(data, ZipLimits(max_files=4))
    with open_zip(data, ZipLimits(max_files=5)) as archive:
        assert len(archive.members) == 5


def test_entry_larger_than_its_header_says_stops_reading() -> None:
    data = _patch_central_size(zip_bytes({"a.wav": b"abc" * 1000}), 10)
    with open_zip(data) as archive, pytest.raises(DatasetError, match=r"cannot read a\.wav"):
        archive.read(archive.members[0])


def test_streaming_ratio_check_does_not_trust_headers() -> None:
    # Header says 4 MiB out of ~4 KiB in; the limits make that a bomb only while reading.
    data = zip_bytes({"z.wav": bytes(4 * MiB)})
    limits = ZipLimits(max_compression_ratio=2000.0, chunk_bytes=64 * 1024)
    with open_zip(data, limits) as archive:
        member = archive.members[0]
        assert len(archive.read(member)) == 4 * MiB
    strict = ZipLimits(max_compression_ratio=2000.0, ratio_min_bytes=MiB, chunk_bytes=64 * 1024)
    with open_zip(data, strict) as archive:
        object.__setattr__(archive.members[0], "compressed_bytes", 100)  # a lying header
        with pytest.raises(DatasetError, match="zip bomb"):
            archive.read(archive.members[0])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a readable zip"),
        (b"this is plain text, not a zip", "not a readable zip"),
        (zip_bytes({"a.wav": b"x" * 1000})[:60], "not a readable zip"),
        (zip_bytes({}), "contains no files"),
        (zip_bytes({"folder/": b""}), "contains no files"),
    ],
    ids=["empty-bytes", "text", "truncated", "empty-zip", "only-a-folder"],
)
def test_unusable_archives(data: bytes, message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        open_zip(data)


def test_missing_file_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"missing\.zip"):
        open_zip(tmp_path / "missing.zip")


def test_single_top_level_folder_is_accepted_and_noted(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "d.zip", {"my data/a.wav": b"1", "my data/trans.txt": b"2"})
    with open_zip(path) as archive:
        assert [(m.name, m.archive_name) for m in archive.members] == [
            ("a.wav", "my data/a.wav"),
            ("trans.txt", "my data/trans.txt"),
        ]
        assert archive.rejected == ()
        assert "inside the folder 'my data/'" in archive.notes[0]


def test_files_in_subfolders_are_rejected() -> None:
    data = zip_bytes({"a.wav": b"1", "sub/b.wav": b"2", "x/y/c.wav": b"3"})
    assert set(_rejected(data)) == {"sub/b.wav", "x/y/c.wav"}


def test_os_metadata_and_duplicates_are_rejected() -> None:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate we want
        for name in ["a.wav", "a.wav", "__MACOSX/._a.wav", ".DS_Store"]:
            archive.writestr(name, b"x")
    with open_zip(buffer.getvalue()) as archive:
        assert [m.name for m in archive.members] == ["a.wav"]
        reasons = [entry.reason for entry in archive.rejected]
    assert reasons == [
        "duplicate entry name in the zip",
        "operating system metadata, not data",
        "operating system metadata, not data",
    ]


def test_read_returns_the_entry_bytes() -> None:
    with open_zip(zip_bytes({"a.wav": b"hello" * 100})) as archive:
        assert archive.read(archive.members[0]) == b"hello" * 100
