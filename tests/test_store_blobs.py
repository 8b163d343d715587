"""LocalBlobStore: keys cannot escape the root; writes are atomic."""

from __future__ import annotations

from pathlib import Path

import pytest

from voxtune.errors import InvalidInputError
from voxtune.store.blobs import LocalBlobStore


@pytest.mark.parametrize(
    "key", ["../x", "/etc/passwd", "a/../../x", "a//b", "a\\b", "", "a/./b/.."]
)
def test_keys_that_escape_are_refused(tmp_path: Path, key: str) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    with pytest.raises(InvalidInputError):
        store.put_bytes(key, b"x")


def test_a_failed_write_leaves_the_old_content(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    store.put_bytes("a/b.txt", b"old")

    def broken() -> object:
        yield b"new"
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.put_stream("a/b.txt", broken())  # type: ignore[arg-type]
    assert store.read_bytes("a/b.txt") == b"old"
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.txt"]
