"""datasets:upload streams the part to the blob store: a large upload never sits in memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import httpx

from test_api_support import live_server, validate

UPLOAD_BYTES = 24 * 1024 * 1024
PEAK_LIMIT_BYTES = 8 * 1024 * 1024  # a third of the upload: chunks, not the whole file


def test_a_large_multipart_upload_is_streamed_to_the_blob_store(tmp_path: Path) -> None:
    source = tmp_path / "large.txt"
    line = b"the quick brown fox jumps over the lazy dog\n"
    with source.open("wb") as handle:
        for _ in range(UPLOAD_BYTES // len(line)):
            handle.write(line)
    home = tmp_path / "home"
    with live_server(home, workers=0) as (base_url, key):
        tracemalloc.start()
        try:
            with source.open("rb") as data:
                response = httpx.post(
                    f"{base_url}/speechtotext/datasets:upload",
                    params={"api-version": "2025-10-15"},
                    headers={"Ocp-Apim-Subscription-Key": key},
                    data={"displayName": "large", "locale": "en-US", "kind": "Language"},
                    files={"data": ("large.txt", data, "text/plain")},
                    timeout=120,
                )
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert response.status_code == 201, response.text
        dataset = validate(response.json(), "Dataset")
    dataset_id = dataset["self"].split("/")[-1].split("?")[0]
    stored = home / "blobs" / "datasets" / dataset_id / "content" / "large.txt"
    assert stored.stat().st_size == source.stat().st_size
    assert peak < PEAK_LIMIT_BYTES, f"peak {peak} bytes traced during a {UPLOAD_BYTES}-byte upload"
