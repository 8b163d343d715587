"""'Manage data' in the portal: the list, the 'Add data' wizard and each dataset's validation
report, on a real server on loopback with one worker and real AN4 audio."""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from httpx import Client as HttpClient
from httpx import Response

from portal_support import ZERO_ID, created_id, csrf_of, post_form, signed_in, wait_status
from test_api_support import an4_subset, file_server, live_server
from test_data_support import zip_bytes
from voxtune.data import DatasetKind, DatasetReport, ReportEntry
from voxtune.portal.data import KIND_NAMES

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
AN4_DEV = DATA / "an4" / "dev.zip"
TRAIN_TEXT = DATA / "an4" / "train-text.txt"
MAX_UPLOAD_BYTES = 1024 * 1024  # small, so a too-large upload is cheap to send


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    home = tmp_path_factory.mktemp("home")
    with live_server(
        home, workers=1, max_upload_bytes=MAX_UPLOAD_BYTES, allow_private_content_urls=True
    ) as (base_url, key):
        yield base_url, key


@pytest.fixture()
def client(server: tuple[str, str]) -> Iterator[HttpClient]:
    with signed_in(*server) as http:
        yield http


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Three AN4 dev utterances and their trans.txt lines (under the name 'trans.txt')."""
    path = tmp_path_factory.mktemp("an4") / "three.zip"
    names = an4_subset(AN4_DEV, path, lambda index, _name: index < 3)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in [*names, "trans.txt"]}


def text_of(response: Response) -> str:
    return html.unescape(response.text)


def new_project(client: HttpClient, name: str = "Data project") -> str:
    fields = {"task": "speech-to-text", "name": name, "locale": "en-US"}
    return created_id(post_form(client, "/portal/projects/new", fields))


def add_data(
    client: HttpClient,
    project_id: str,
    kind: str,
    name: str,
    file: tuple[str, bytes] | None = None,
    url: str = "",
    csrf: bool = True,
) -> Response:
    page = client.get(f"/portal/projects/{project_id}/data/new")
    fields = {"kind": kind, "name": name, "description": "from a test", "url": url}
    if csrf:
        fields["csrf_token"] = csrf_of(page.text)
    # a browser sends an empty, nameless file part when no file was chosen
    name_and_bytes = file if file is not None else ("", b"")
    return client.post(
        f"/portal/projects/{project_id}/data/new",
        data=fields,
        files={"file": (*name_and_bytes, "application/octet-stream")},
    )


def uploaded(
    client: HttpClient,
    project_id: str,
    kind: str,
    name: str,
    file: tuple[str, bytes] | None = None,
    url: str = "",
) -> str:
    """Add data through the wizard; wait until it is processed; the dataset page's path."""
    response = add_data(client, project_id, kind, name, file, url)
    assert response.status_code == 303, text_of(response)
    path = response.headers["location"]
    assert path.startswith(f"/portal/projects/{project_id}/data/")
    wait_status(client, "datasets", path.rsplit("/", 1)[-1], timeout_s=120)
    return path


def report_of(client: HttpClient, kind: str, name: str, file: tuple[str, bytes]) -> str:
    """The dataset page of `file` uploaded to a new project, once it is processed."""
    project_id = new_project(client)
    return text_of(client.get(uploaded(client, project_id, kind, name, file)))


def table_rows(page: str, table_id: str) -> list[tuple[str, str, str]]:
    match = re.search(rf'<table class="list" id="{table_id}">(.*?)</table>', page, re.S)
    assert match, f"no table {table_id}"
    return re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", match.group(1))


def test_a_new_project_has_no_data_and_offers_add_data(client: HttpClient) -> None:
    project_id = new_project(client, "Empty")
    page = client.get(f"/portal/projects/{project_id}/data")
    assert page.status_code == 200
    assert "<h1>Manage data</h1>" in page.text
    assert "No data yet" in page.text
    assert f'href="/portal/projects/{project_id}/data/new">Add data</a>' in page.text
    assert re.search(r'/data" aria-current="page">Manage data', page.text)


def test_the_wizard_offers_every_kind_in_azures_words(client: HttpClient) -> None:
    project_id = new_project(client)
    page = client.get(f"/portal/projects/{project_id}/data/new").text
    assert "<h1>Add data</h1>" in page and 'enctype="multipart/form-data"' in page
    assert set(KIND_NAMES) == set(DatasetKind)
    for kind, name in KIND_NAMES.items():
        radio = f'<input type="radio" name="kind" value="{kind.value}"[^>]*>'
        assert re.search(rf"<label>{radio} {re.escape(name)}</label>", page), name
    for control in ("file", "url", "name", "description"):
        assert f'<label for="{control}"' in page and f'id="{control}"' in page
    assert 'type="file"' in page and 'type="url"' in page
    assert re.search(r'<button type="submit" class="primary">Upload</button>', page)
    for step in ("Type of data", "Upload your data", "Name and description"):
        assert f'data-step="{step}"' in page


def test_plain_text_through_the_wizard_succeeds_with_its_report(client: HttpClient) -> None:
    project_id = new_project(client)
    path = uploaded(
        client,
        project_id,
        "Language",
        "AN4 sentences",
        file=("train-text.txt", TRAIN_TEXT.read_bytes()),
    )
    page = text_of(client.get(path))
    assert "<h1>AN4 sentences</h1>" in page
    assert 'data-status="Succeeded"' in page and "data-reload" in page
    assert "<dt>Type</dt><dd>Plain text</dd>" in page
    assert "<dt>Language</dt><dd>en-US</dd>" in page
    assert "<dt>Source</dt><dd>train-text.txt</dd>" in page
    assert '<th scope="row">Accepted lines</th><td>835</td>' in page
    assert "Nothing was rejected." in page
    assert "report.json" in page  # the DatasetReport file, downloadable
    listing = text_of(client.get(f"/portal/projects/{project_id}/data"))
    assert "AN4 sentences" in listing and "<td>Plain text</td>" in listing
    assert "<td>835 lines</td>" in listing
    assert f'data-poll="/portal/status/datasets/{path.rsplit("/", 1)[-1]}"' in listing


def test_audio_with_transcripts_succeeds_with_files_and_duration(
    client: HttpClient, clips: dict[str, bytes]
) -> None:
    project_id = new_project(client)
    path = uploaded(
        client, project_id, "Acoustic", "AN4 three", file=("three.zip", zip_bytes(clips))
    )
    page = text_of(client.get(path))
    assert 'data-status="Succeeded"' in page
    assert "<dt>Type</dt><dd>Audio + human-labeled transcript</dd>" in page
    assert '<th scope="row">Accepted files</th><td>3</td>' in page
    assert '<th scope="row">Audio duration (accepted files)</th><td>2.6 s</td>' in page
    assert "Nothing was rejected." in page
    listing = text_of(client.get(f"/portal/projects/{project_id}/data"))
    assert "<td>Audio + human-labeled transcript</td>" in listing
    assert "<td>3 files</td>" in listing and "<td>2.6 s</td>" in listing


def test_a_corrupt_wav_and_a_missing_transcript_line_are_reported(
    client: HttpClient, clips: dict[str, bytes]
) -> None:
    first, second, _third, _ = clips
    first_line = clips["trans.txt"].decode().splitlines()[0]
    data = zip_bytes(
        {
            first: clips[first],
            "broken.wav": b"RIFF\x00\x00\x00\x00WAVEjunkjunk",
            second: clips[second],  # no transcript line names it
            "trans.txt": f"{first_line}\nbroken.wav\thello there\n".encode(),
        }
    )
    page = report_of(client, "Acoustic", "Bad", ("b.zip", data))
    assert 'data-status="Succeeded"' in page  # one file is usable
    assert '<th scope="row">Accepted files</th><td>1</td>' in page
    assert '<th scope="row">Rejected files</th><td>2</td>' in page
    rows = {item: (line, reason) for item, line, reason in table_rows(page, "rejected")}
    assert rows["broken.wav"][0] == "2"
    assert rows["broken.wav"][1].startswith("unreadable audio: broken.wav: truncated WAV")
    assert rows[second] == ("", "no transcript line")
    assert "Traceback" not in page


def test_a_path_traversal_zip_is_reported_and_nothing_escapes(
    client: HttpClient, clips: dict[str, bytes]
) -> None:
    first = next(iter(clips))
    first_line = clips["trans.txt"].decode().splitlines()[0]
    data = zip_bytes(
        {
            first: clips[first],
            "../evil.wav": clips[first],
            "trans.txt": f"{first_line}\n../evil.wav\tevil\n".encode(),
        }
    )
    page = report_of(client, "Acoustic", "Slip", ("s.zip", data))
    rows = table_rows(page, "rejected")
    reasons = [reason for item, _line, reason in rows if item == "../evil.wav"]
    assert "'..' in path (zip slip: would write outside the dataset)" in reasons
    assert "transcript line for a file missing from the zip" in reasons


def test_a_dataset_with_nothing_usable_fails_and_shows_its_report(client: HttpClient) -> None:
    data = zip_bytes({"broken.wav": b"RIFFjunk", "trans.txt": b"broken.wav\thello\n"})
    page = report_of(client, "Acoustic", "Void", ("v.zip", data))
    assert 'data-status="Failed"' in page and ">Failed</span>" in page
    assert "Processing failed: nothing in this data can be used" in page
    ((item, line, reason),) = table_rows(page, "rejected")
    assert (item, line) == ("broken.wav", "1") and reason.startswith("unreadable audio")


def test_text_in_a_wrong_encoding_fails_with_the_reason_in_words(client: HttpClient) -> None:
    project_id = new_project(client)
    latin = "one sentence\ncaf\u00e9 au lait\n".encode("latin-1")
    page = text_of(
        client.get(uploaded(client, project_id, "Language", "Latin", file=("latin.txt", latin)))
    )
    assert 'data-status="Failed"' in page
    assert re.search(
        r'<p class="error" role="alert">Processing failed: latin.txt: not valid UTF-8 at byte '
        r"offset 16 \(line 2, byte 0xe9\); save the file as UTF-8",
        page,
    )
    assert "There is no report: the file could not be read at all" in page


def test_a_zip_bomb_fails_with_the_reason_in_words(client: HttpClient) -> None:
    data = zip_bytes({"zeros.wav": bytes(20 * 1024 * 1024), "trans.txt": b"zeros.wav\tzero\n"})
    assert len(data) < MAX_UPLOAD_BYTES  # deflates about 1000 times
    project_id = new_project(client)
    page = text_of(client.get(uploaded(client, project_id, "Acoustic", "Bomb", ("z.zip", data))))
    assert 'data-status="Failed"' in page
    assert re.search(
        r"Processing failed: z.zip: entry 'zeros.wav' expands \d+x \(limit 200x\): "
        r"refusing a likely zip bomb",
        page,
    )
    listing = text_of(client.get(f"/portal/projects/{project_id}/data"))
    assert re.search(r'data-status="Failed"[^>]*>Failed</span>', listing)


def test_data_from_a_url(client: HttpClient, tmp_path: Path) -> None:
    (tmp_path / "sentences.txt").write_text("turn the lights on\nturn them off\n")
    project_id = new_project(client)
    with file_server(tmp_path) as base:
        url = f"{base}/sentences.txt"
        path = uploaded(client, project_id, "Language", "From a URL", url=url)
    page = text_of(client.get(path))
    assert 'data-status="Succeeded"' in page
    assert f"<dt>Source</dt><dd>{url}</dd>" in page
    assert '<th scope="row">Accepted lines</th><td>2</td>' in page


@pytest.mark.parametrize(
    ("kind", "name", "source", "status", "words"),
    [
        ("Language", "x", {}, 400, "choose a local file or give a URL"),
        (
            "Language",
            "x",
            {"file": ("a.txt", b"hello\n"), "url": "https://example.com/a.txt"},
            400,
            "Choose a local file or give a URL, not both. Choose the file again.",
        ),
        ("", "x", {"file": ("a.txt", b"hello\n")}, 400, "Choose the type of data."),
        ("Nonsense", "x", {"file": ("a.txt", b"hello\n")}, 400, "Choose the type of data."),
        ("Language", "", {"file": ("a.txt", b"hello\n")}, 400, "Give the data a name."),
        (
            "Language",
            "x",
            {"file": ("big.txt", b"hello\n" * (MAX_UPLOAD_BYTES // 6 + 1))},
            413,
            "The file big.txt is 1.0 MiB; this server takes uploads of at most 1.0 MiB.",
        ),
        ("Language", "x", {"url": "ftp://example.com/a.txt"}, 400, "ftp"),
    ],
)
def test_a_bad_form_is_answered_in_words_and_creates_nothing(
    client: HttpClient,
    kind: str,
    name: str,
    source: dict[str, Any],
    status: int,
    words: str,
) -> None:
    project_id = new_project(client)
    response = add_data(client, project_id, kind, name, **source)
    assert response.status_code == status
    page = text_of(response)
    assert "<h1>Add data</h1>" in page
    error = re.search(r'<p class="error" role="alert">([^<]*)</p>', page)
    assert error and words in error.group(1), page
    assert "Traceback" not in page
    if name:
        assert 'value="x"' in page  # what was typed is kept
    assert "No data yet" in client.get(f"/portal/projects/{project_id}/data").text


def test_a_form_without_its_csrf_token_is_refused(client: HttpClient) -> None:
    project_id = new_project(client)
    response = add_data(client, project_id, "Language", "x", file=("a.txt", b"hi\n"), csrf=False)
    assert response.status_code == 403
    assert "No data yet" in client.get(f"/portal/projects/{project_id}/data").text


def test_a_dataset_of_another_project_or_none_is_a_404_page(client: HttpClient) -> None:
    owner = new_project(client, "Owner")
    other = new_project(client, "Other")
    path = uploaded(client, owner, "Language", "Mine", file=("a.txt", b"hello there\n"))
    dataset_id = path.rsplit("/", 1)[-1]
    for missing in (
        f"/portal/projects/{other}/data/{dataset_id}",
        f"/portal/projects/{owner}/data/{ZERO_ID}",
        f"/portal/projects/{ZERO_ID}/data/{dataset_id}",
        f"/portal/projects/{ZERO_ID}/data",
        f"/portal/projects/{ZERO_ID}/data/new",
    ):
        response = client.get(missing)
        assert response.status_code == 404, missing
        assert "<h1>Not found</h1>" in response.text and "Traceback" not in response.text
    assert "Mine" not in client.get(f"/portal/projects/{other}/data").text


def test_a_stored_report_reads_back_as_it_was_written() -> None:
    report = DatasetReport(
        kind=DatasetKind.ACOUSTIC,
        accepted=2,
        rejected=1,
        skipped=1,
        audio_duration_s=3.25,
        entries=(
            ReportEntry("a.wav", "accepted", "8 kHz (Azure wants 16 kHz)", 1),
            ReportEntry("b.wav", "rejected", "no transcript line"),
        ),
        notes=("trans.txt: decoded as UTF-16-LE with BOM",),
    )
    assert DatasetReport.from_json(report.to_json()) == report
