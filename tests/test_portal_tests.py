""" "Test models" in the portal, on a real server on loopback with one worker: an accuracy test
of the sphinx base model against a custom model trained on AN4 text, its figures checked
against the REST API's evaluation, the side-by-side view (error classes, differing rows, sort
by errors, audio), an inspect-quality test on audio only, and the wizard's form errors."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from portal_support import (
    ProjectPortal,
    api_project,
    audio_zips,
    entity_id,
    live_portal,
    sphinx_id,
    text_of,
    upload,
)

CLIPS = 5  # AN4 dev utterances in the test datasets


@dataclass(frozen=True)
class Setup:
    portal: ProjectPortal
    base_id: str  # the sphinx base model
    custom_id: str  # trained on AN4's training text
    names: list[str]  # the utterances
    acoustic_zip: Path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Setup]:
    home = tmp_path_factory.mktemp("home")
    acoustic, audio_only, names = audio_zips(
        shared_data / "an4" / "dev.zip", tmp_path_factory.mktemp("zips"), CLIPS
    )
    with live_portal(home) as live:
        api, base_url = live.api, live.base_url
        project = api_project(api, "tests")
        text = (shared_data / "an4" / "train-text.txt").read_bytes()
        datasets = {
            "an4 text": upload(api, project["self"], "Language", "an4 text", text, "t.txt"),
            "dev clips": upload(
                api, project["self"], "Acoustic", "dev clips", acoustic.read_bytes(), "a.zip"
            ),
            "audio only": upload(
                api, project["self"], "AudioFiles", "audio only", audio_only.read_bytes(), "b.zip"
            ),
        }
        base_id = sphinx_id(api)
        model = api.call(
            "POST",
            "/models",
            "CustomModel",
            201,
            json={
                "displayName": "an4 custom",
                "locale": "en-US",
                "project": {"self": project["self"]},
                "baseModel": {"self": f"{base_url}/speechtotext/models/base/{base_id}"},
                "datasets": [{"self": f"{base_url}/speechtotext/datasets/{datasets['an4 text']}"}],
            },
        )
        assert api.wait(model["self"], "CustomModel", 300)["status"] == "Succeeded"
        portal = ProjectPortal(api, live.client, entity_id(project), project["self"], datasets)
        yield Setup(portal, base_id, entity_id(model), names, acoustic)


def create_test(setup: Setup, fields: dict[str, Any]) -> httpx.Response:
    return setup.portal.post("/tests/new", fields)


@pytest.fixture(scope="module")
def accuracy(setup: Setup) -> tuple[str, dict[str, Any]]:
    """(evaluation id, its REST JSON) of a finished base vs custom accuracy test."""
    response = create_test(
        setup,
        {
            "test_type": "accuracy",
            "dataset": setup.portal.datasets["dev clips"],
            "models": [setup.base_id, setup.custom_id],
            "name": "base vs custom",
        },
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"/portal/projects/{setup.portal.project_id}/tests/")
    evaluation_id = location.rsplit("/", 1)[1]
    assert setup.portal.wait("evaluations", evaluation_id) == "Succeeded"
    body = setup.portal.api.call("GET", f"/evaluations/{evaluation_id}", "Evaluation", 200)
    return evaluation_id, body


def side_by_side(page: str) -> str:
    start = page.index('id="side-by-side"')
    return page[start : page.index("</table>", start)]


def test_the_wizard_names_the_test_types_data_and_models(setup: Setup) -> None:
    listing = text_of(setup.portal.page("/tests"))
    assert "+ Create test" in listing
    page = setup.portal.page("/tests/new")
    words = text_of(page)
    assert "Evaluate accuracy (Audio + transcript data)" in words
    assert "Inspect quality (Audio-only data)" in words
    datasets = setup.portal.datasets
    assert f'value="{datasets["dev clips"]}"' in page
    assert f'value="{datasets["audio only"]}"' in page
    assert f'value="{datasets["an4 text"]}"' not in page  # text cannot test a model
    assert f'value="{setup.base_id}"' in page and f'value="{setup.custom_id}"' in page
    assert "an4 custom (custom model)" in words and "Create test" in words
    assert "en-US base model (pocketsphinx) (base model sphinx-en-us)" in words


def test_accuracy_figures_equal_the_rest_api(
    setup: Setup, accuracy: tuple[str, dict[str, Any]]
) -> None:
    evaluation_id, body = accuracy
    assert body["model1"]["self"].endswith(f"/models/base/{setup.base_id}?api-version=2025-10-15")
    assert body["model2"]["self"].endswith(f"/models/{setup.custom_id}?api-version=2025-10-15")
    props = body["properties"]
    page = setup.portal.page(f"/tests/{evaluation_id}")
    for number in (1, 2):
        row = re.search(rf'<tr data-model="{number}">(.*?)</tr>', page, re.S)
        assert row, number
        cells = row.group(1)
        wer = re.search(r'class="wer" data-value="([^"]+)"', cells)
        ser = re.search(r'class="ser" data-value="([^"]+)"', cells)
        assert wer and float(wer.group(1)) == props[f"wordErrorRate{number}"]
        assert ser and float(ser.group(1)) == props[f"sentenceErrorRate{number}"]
        for css, field in (("ins", "Insertion"), ("del", "Deletion"), ("sub", "Substitution")):
            count = re.search(rf'class="{css}">(\d+)<', cells)
            assert count and int(count.group(1)) == props[f"word{field}Count{number}"]
        assert f"{100 * props[f'wordErrorRate{number}']:.2f}%" in cells
    assert props["wordErrorRate2"] < props["wordErrorRate1"]  # the custom LM knows AN4
    assert 'id="chart"' in page and 'class="bar model1"' in page and 'class="bar model2"' in page
    listing = text_of(setup.portal.page("/tests"))
    assert "base vs custom" in listing and f"{100 * props['wordErrorRate1']:.2f}%" in listing


def test_the_side_by_side_view_marks_every_error(
    setup: Setup, accuracy: tuple[str, dict[str, Any]]
) -> None:
    evaluation_id, body = accuracy
    props = body["properties"]
    page = setup.portal.page(f"/tests/{evaluation_id}")
    table = side_by_side(page)
    rows = re.findall(r'<tr class="([^"]*)" data-utterance="([^"]+)" data-errors="(\d+)"', table)
    assert [name for _, name, _ in rows] == setup.names  # every utterance, in dataset order
    # each error the evaluation counted is highlighted once, by its type
    for css, field in (
        ("err-sub", "Substitution"),
        ("err-del", "Deletion"),
        ("err-ins", "Insertion"),
    ):
        assert table.count(f'class="{css}"') == sum(
            props[f"word{field}Count{n}"] for n in (1, 2)
        ), css
    assert sum(int(errors) for _, _, errors in rows) == sum(
        props[f"word{f}Count{n}"] for f in ("Substitution", "Deletion", "Insertion") for n in (1, 2)
    )
    assert any(css == "differs" for css, _, _ in rows)  # the two models disagree somewhere
    for toggle in ("hide-sub", "hide-del", "hide-ins"):
        assert f'data-toggle-class="{toggle}" data-target="side-by-side"' in page
    with zipfile.ZipFile(setup.acoustic_zip) as archive:
        first = archive.read("trans.txt").decode().splitlines()[0]
    assert f"<td>{first.split(chr(9))[1]}</td>" in table  # the human-labeled transcript


def test_sort_by_errors(setup: Setup, accuracy: tuple[str, dict[str, Any]]) -> None:
    evaluation_id, _ = accuracy
    page = setup.portal.page(f"/tests/{evaluation_id}?sort=errors")
    rows = re.findall(r'data-utterance="([^"]+)" data-errors="(\d+)"', side_by_side(page))
    errors = [int(e) for _, e in rows]
    assert errors == sorted(errors, reverse=True) and len(set(errors)) > 1
    assert sorted(name for name, _ in rows) == sorted(setup.names)
    assert 'href="?sort=errors"' in setup.portal.page(f"/tests/{evaluation_id}")


def test_audio_is_served_with_a_session_only(
    setup: Setup, accuracy: tuple[str, dict[str, Any]]
) -> None:
    evaluation_id, _ = accuracy
    name = setup.names[0]
    path = f"/portal/projects/{setup.portal.project_id}/tests/{evaluation_id}/audio"
    page = setup.portal.page(f"/tests/{evaluation_id}")
    assert f'src="{path}?utterance={name}"' in page
    response = setup.portal.client.get(path, params={"utterance": name})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("audio/")
    with zipfile.ZipFile(setup.acoustic_zip) as archive:
        assert response.content == archive.read(name)
    missing = setup.portal.client.get(path, params={"utterance": "nope.wav"})
    assert missing.status_code == 404 and "no audio file" in missing.text
    with httpx.Client(base_url=setup.portal.api.base_url) as visitor:
        refused = visitor.get(path, params={"utterance": name})
        assert refused.status_code == 303
        assert refused.headers["location"].startswith("/portal/signin?next=")
        assert not refused.content.startswith(b"RIFF")


def test_inspect_quality_shows_the_transcripts_side_by_side(setup: Setup) -> None:
    response = create_test(
        setup,
        {
            "test_type": "inspect",
            "dataset": setup.portal.datasets["audio only"],
            "models": [setup.base_id, setup.custom_id],
            "name": "inspect clips",
        },
    )
    assert response.status_code == 303, response.text
    evaluation_id = response.headers["location"].rsplit("/", 1)[1]
    assert setup.portal.wait("evaluations", evaluation_id) == "Succeeded"
    body = setup.portal.api.call("GET", f"/evaluations/{evaluation_id}", "Evaluation", 200)
    assert body["properties"] == {"sentenceCount1": CLIPS, "sentenceCount2": CLIPS}
    page = setup.portal.page(f"/tests/{evaluation_id}")
    assert "Inspect quality (Audio-only data)" in text_of(page)
    assert 'id="scores"' not in page and "Human-labeled transcript" not in page
    table = side_by_side(page)
    rows = re.findall(r"<tr class=\"[^\"]*\" data-utterance=\"([^\"]+)\"", table)
    assert rows == setup.names
    cells = re.findall(r"<td>([^<]*)</td>", table)
    assert sum(1 for cell in cells if cell.strip()) >= CLIPS  # recognized text in the columns
    assert "Model 1: en-US base model (pocketsphinx)" in table and "Model 2: an4 custom" in table


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"models": []}, "Choose a model to test"),
        ({"models": ["base", "custom", "whisper"]}, "Choose at most 2 models"),
        (
            {"dataset": "audio only"},
            'The dataset "audio only" is Audio only data; Evaluate accuracy (Audio + transcript '
            "data) needs Audio + human-labeled transcript data.",
        ),
        ({"dataset": ""}, "Choose the data to test with"),
        ({"test_type": "guess"}, "Choose a test type"),
    ],
)
def test_form_errors_are_pages_in_words(setup: Setup, fields: dict[str, Any], problem: str) -> None:
    before = setup.portal.api.call("GET", "/evaluations", "PaginatedEvaluations", 200)["values"]
    ids = {"base": setup.base_id, "custom": setup.custom_id}
    posted: dict[str, Any] = {
        "test_type": "accuracy",
        "dataset": "dev clips",
        "models": ["base"],
        "name": "bad",
        **fields,
    }
    if "whisper" in posted["models"]:
        ids["whisper"] = next(
            entity_id(b)
            for b in setup.portal.api.call("GET", "/models/base", "PaginatedBaseModels", 200)[
                "values"
            ]
            if b["locale"] == "en-US" and entity_id(b) != setup.base_id
        )
    posted["models"] = [ids[m] for m in posted["models"]]
    posted["dataset"] = setup.portal.datasets.get(posted["dataset"], "")
    response = create_test(setup, posted)
    assert response.status_code == 400
    assert problem in text_of(response.text) and "Traceback" not in response.text
    assert "<h1>Create test</h1>" in response.text
    after = setup.portal.api.call("GET", "/evaluations", "PaginatedEvaluations", 200)["values"]
    assert len(after) == len(before)
