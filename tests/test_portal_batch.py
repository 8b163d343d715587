"""Batch transcription in the portal: uploaded clips or an audio dataset submitted to the
sphinx base model, each file's result on the page and its result file downloaded, on a real
server on loopback with one job worker and real speech."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from portal_support import ZERO_ID, LivePortal, created_id, live_portal, post_form, upload
from test_api_support import Api
from voxtune.errors import InvalidInputError
from voxtune.service.context import open_services
from voxtune.service.schemas import TranscriptionCreate
from voxtune.service.transcriptions import UploadedAudio, submit_uploaded_files
from voxtune.service.views import BASE_MODEL_ID
from voxtune.settings import Settings

CLIPS = (
    "sense_and_sensibility_01_austen_64kb-0880.wav",  # "he was not an ill disposed young man"
    "sense_and_sensibility_01_austen_64kb-0930.wav",  # "he might even have been made amiable..."
)
SPHINX = f"models/base/{BASE_MODEL_ID}"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePortal]:
    with live_portal(tmp_path_factory.mktemp("home")) as server:
        yield server


def _submit(
    portal: httpx.Client, fields: dict[str, str], files: list[tuple[str, bytes]] | None = None
) -> httpx.Response:
    parts = [("files", (name, data, "audio/wav")) for name, data in files or []]
    return post_form(portal, "/portal/batch/new", fields, files=parts or None)


def _finished(portal: httpx.Client, api: Api, location: str) -> str:
    """The transcription's page once its job is done (checked Succeeded through the API)."""
    transcription_id = location.rsplit("/", 1)[1]
    body = api.wait(f"/transcriptions/{transcription_id}", "Transcription")
    assert body["status"] == "Succeeded", body
    status = portal.get(
        f"/portal/status/transcriptions/{transcription_id}", headers={"Accept": "application/json"}
    ).json()
    assert status["label"] == "Succeeded"
    page = portal.get(location)
    assert page.status_code == 200
    return page.text


def _rows(page: str) -> dict[str, list[str]]:
    """The results table: file name -> its other cells (tags stripped, links kept apart)."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        if cells:
            rows[html.unescape(cells[0])] = [html.unescape(c) for c in cells[1:]]
    return rows


def _download(cell: str) -> httpx.Response:
    """GET the result file a cell's link names, without the portal's session or a key."""
    match = re.search(r'href="([^"]+)"', cell)
    assert match, cell
    return httpx.get(html.unescape(match.group(1)), timeout=60)


def test_uploaded_clips_are_transcribed_with_word_timestamps(
    live: LivePortal, smoke_dir: Path
) -> None:
    first, second = ((smoke_dir / clip).read_bytes() for clip in CLIPS)
    response = _submit(
        live.client,
        {"source": "files", "locale": "en-US", "model": SPHINX, "name": "Two clips",
         "word_timestamps": "on", "punctuation": "DictatedAndAutomatic", "profanity": "Masked"},
        [(CLIPS[0], first), (CLIPS[1], second), (CLIPS[0], first), ("broken.wav", b"RIFF0000")],
    )
    assert response.status_code == 303, response.text
    page = _finished(live.client, live.api, response.headers["location"])
    assert "<h1>Two clips</h1>" in page and "4 uploaded files" in page
    assert "en-US base model (pocketsphinx)" in page and "word-level timestamps on" in page
    rows = _rows(page)
    assert set(rows) == {CLIPS[0], CLIPS[1], f"2_{CLIPS[0]}", "broken.wav"}
    status, transcript, link = rows[CLIPS[0]]
    assert "Succeeded" in status and "young man" in transcript.lower()
    assert "Failed" in rows["broken.wav"][0] and "WAV" in rows["broken.wav"][1]
    assert "Succeeded" in rows[f"2_{CLIPS[0]}"][0]  # a second file of one name keeps its result

    downloaded = _download(link)
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"].startswith("application/json")
    result: dict[str, Any] = downloaded.json()
    assert result["source"] == CLIPS[0]
    assert "young man" in result["combinedRecognizedPhrases"][0]["display"].lower()
    words = result["recognizedPhrases"][0]["nBest"][0]["words"]
    assert [w["word"] for w in words][-2:] == ["young", "man"]
    assert all(w["durationInTicks"] > 0 for w in words)
    assert [w["offsetInTicks"] for w in words] == sorted(w["offsetInTicks"] for w in words)

    report = re.search(r'<a href="([^"]+)" download>Download the report', page)
    assert report, "no report link"
    counts = httpx.get(html.unescape(report.group(1)), timeout=60).json()
    assert (counts["successfulTranscriptionsCount"], counts["failedTranscriptionsCount"]) == (3, 1)

    listing = live.client.get("/portal/batch").text
    assert "<h1>Batch transcription</h1>" in listing and ">Two clips</a>" in listing
    assert 'data-poll="/portal/status/transcriptions/' in listing


def test_a_transcription_of_only_bad_files_fails_in_words(live: LivePortal) -> None:
    response = _submit(
        live.client, {"source": "files", "locale": "en-US", "model": SPHINX, "name": "Not audio"},
        [("notes.wav", b"just some text, not audio")],
    )
    transcription_id = created_id(response)
    body = live.api.wait(f"/transcriptions/{transcription_id}", "Transcription")
    assert body["status"] == "Failed"
    page = live.client.get(response.headers["location"]).text
    assert "The transcription failed: no file could be transcribed" in page
    status, error, link = _rows(page)["notes.wav"]
    assert "Failed" in status and "audio" in error.lower() and "href" not in link


def _audio_dataset(api: Api, smoke_dir: Path) -> str:
    """An "Audio only" dataset of the two clips, uploaded and processed through the API."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for clip in CLIPS:
            archive.write(smoke_dir / clip, clip)
    return upload(api, None, "AudioFiles", "Austen clips", buffer.getvalue(), "clips.zip")


def test_a_dataset_is_transcribed_by_the_default_model_choice(
    live: LivePortal, smoke_dir: Path
) -> None:
    dataset_id = _audio_dataset(live.api, smoke_dir)
    form = live.client.get("/portal/batch/new").text
    assert f'value="{dataset_id}"' in form and "Austen clips (Audio only, en-US)" in form
    response = _submit(
        live.client,
        {"source": "dataset", "dataset": dataset_id, "locale": "en-US", "model": SPHINX,
         "name": "From a dataset", "profanity": "Masked", "punctuation": "None"},
    )
    assert response.status_code == 303, response.text
    page = _finished(live.client, live.api, response.headers["location"])
    assert "dataset Austen clips" in page and "punctuation None" in page
    rows = _rows(page)
    assert set(rows) == set(CLIPS)
    assert "young man" in rows[CLIPS[0]][1].lower()
    assert "." not in rows[CLIPS[0]][1]  # punctuation None
    assert _download(rows[CLIPS[1]][2]).json()["source"] == CLIPS[1]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"source": "files", "name": "Nothing"}, "Choose one or more audio files"),
        ({"source": "dataset", "name": "No dataset"}, "Choose the dataset"),
        ({"source": "files", "name": ""}, "Give the transcription a name"),
        ({"source": "dataset", "name": "Ghost", "dataset": ZERO_ID},
         "no dataset with id"),
        ({"source": "files", "name": "Klingon", "locale": "tlh-QO"}, "not supported"),
    ],
)
def test_bad_submissions_are_refused_in_words(
    live: LivePortal, smoke_dir: Path, fields: dict[str, str], words: str
) -> None:
    files = None
    if "locale" in fields:
        files = [(CLIPS[0], (smoke_dir / CLIPS[0]).read_bytes())]
    response = _submit(live.client, {"locale": "en-US", "profanity": "Masked", **fields}, files)
    assert response.status_code == 400, response.text
    assert words in html.unescape(response.text) and "Traceback" not in response.text
    assert "<h1>New batch transcription</h1>" in response.text
    if fields["name"]:
        assert f'value="{fields["name"]}"' in response.text  # the form keeps what was typed


def test_a_batch_form_without_its_csrf_token_is_refused(live: LivePortal) -> None:
    response = live.client.post("/portal/batch/new", data={"source": "files", "name": "x"})
    assert response.status_code == 403


def test_an_unknown_transcription_is_a_page_in_words(live: LivePortal) -> None:
    response = live.client.get(f"/portal/batch/{ZERO_ID}")
    assert response.status_code == 404 and "<h1>Not found</h1>" in response.text


def test_uploads_are_refused_beside_another_source_and_over_the_size_limit(
    tmp_path: Path,
) -> None:
    services = open_services(Settings(home=tmp_path, content_url_max_bytes=1000))
    try:
        clip = [UploadedAudio("a.wav", [b"x" * 600])]
        with pytest.raises(InvalidInputError, match="on their own"):
            body = TranscriptionCreate(
                displayName="x", locale="en-US", contentUrls=["https://example.com/a.wav"]
            )
            submit_uploaded_files(services, body, clip)
        body = TranscriptionCreate(displayName="x", locale="en-US")
        with pytest.raises(InvalidInputError, match="1 to 1000"):
            submit_uploaded_files(services, body, [])
        with pytest.raises(InvalidInputError, match="exceeds 1000 bytes"):
            submit_uploaded_files(services, body, [*clip, UploadedAudio("b.wav", [b"x" * 1001])])
        assert not list((tmp_path / "blobs").glob("**/input/*"))  # nothing left behind
    finally:
        services.close()
