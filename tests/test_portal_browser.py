"""The portal in a real browser (Debian's chromium, driven by Playwright), walked once as a new
user would, on a server on loopback with one job worker: sign in, create a project, add a
plain-text and an audio + transcript dataset, train a model, test base vs custom, open the
side-by-side view, deploy, read the endpoint ID and use the try-it box.

Every step is saved as a screenshot under the test's tmp_path (and copied to
$VOXTUNE_SCREENSHOTS when set); any console error, page error, 5xx answer or page without an
<h1> fails the walk. Buttons, links and fields are found by their role and label, in the
portal's words (issue 11), so a missing label fails too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal_browser_support import Walk, browser_walk, require_browser
from test_api_support import an4_subset, live_server

require_browser()

from playwright.sync_api import Locator, expect  # noqa: E402

# AN4 dev utterances of the audio + transcript dataset: spelled words and digits, where the
# base model errs and the model trained on AN4 text does better (a side-by-side worth seeing)
DEV_CLIPS = ("an255-fash-b.wav", "cen4-fash-b.wav", "cen7-fash-b.wav", "an131-fkdo-b.wav")
TRY_IT_WAV = "sense_and_sensibility_01_austen_64kb-0880.wav"
LONG_MS = 240_000  # processing, training and testing on 2 busy CPU cores


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with live_server(tmp_path_factory.mktemp("home"), workers=1) as (base_url, key):
        yield base_url, key


def _next(walk: Walk) -> None:
    walk.page.get_by_role("button", name="Next", exact=True).click()


def _menu(walk: Walk, name: str) -> None:
    """Open a section of the project from its left menu."""
    portal = walk.page.get_by_role("navigation", name="Portal")
    portal.get_by_role("list", name="Project").get_by_role("link", name=name, exact=True).click()


def _row(walk: Walk, name: str) -> Locator:
    """The list's row of the item named `name`."""
    link = walk.page.get_by_role("link", name=name, exact=True)
    return walk.page.get_by_role("row").filter(has=link)


def _succeeded(walk: Walk, row: Locator) -> None:
    """The row's live status reaches Succeeded (a failure shows at once, with its words)."""
    status = row.locator(".status")
    expect(status).to_have_text(re.compile(r"Succeeded|Failed"), timeout=LONG_MS)
    expect(status).to_have_text("Succeeded")


def _add_data(walk: Walk, kind: str, path: Path, name: str) -> None:
    page = walk.page
    page.get_by_role("link", name="Add data").click()
    walk.shot(f"add data {name}: type")
    page.get_by_label(kind, exact=True).check()
    _next(walk)
    page.get_by_label(re.compile(r"\bLocal file\b")).set_input_files(path)
    walk.shot(f"add data {name}: upload your data")
    _next(walk)
    page.get_by_label("Name", exact=True).fill(name)
    _next(walk)
    walk.shot(f"add data {name}: review")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    walk.shot(f"add data {name}: uploaded")


def _sign_in_and_create_project(walk: Walk, key: str) -> None:
    page = walk.page
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    walk.shot("sign in")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Fine-tuning", level=1)).to_be_visible()
    walk.shot("fine-tuning projects")

    page.get_by_role("link", name="+ Fine-tune").click()
    page.get_by_label("Speech to text (speech recognition)").check()
    # one step at a time, as Speech Studio's: the task -> "Next" -> name -> "Next" opens it
    expect(page.get_by_role("button", name="Back", exact=True)).to_be_hidden()
    expect(page.get_by_role("button", name="Next", exact=True)).to_have_count(1)
    walk.shot("fine-tune: task")
    _next(walk)
    page.get_by_label("Name", exact=True).fill("Digits and letters")
    page.get_by_label("Description").fill("AN4: spelled names, digits and commands")
    walk.shot("fine-tune: name")
    expect(page.get_by_role("button", name="Next", exact=True)).to_have_count(1)
    _next(walk)
    expect(page.get_by_role("navigation", name="Portal")).to_contain_text("Digits and letters")


def _manage_data(walk: Walk, text: Path, audio: Path) -> bool:
    """Add both datasets; whether a status was seen changing from Processing in place."""
    page = walk.page
    _menu(walk, "Manage data")
    walk.shot("manage data: empty")
    _add_data(walk, "Plain text", text, "AN4 sentences")
    _menu(walk, "Manage data")
    _add_data(walk, "Audio + human-labeled transcript", audio, "AN4 dev clips")
    _menu(walk, "Manage data")
    # The statuses change in place (the page polls them): a mark set on the page now is still
    # there once both have Succeeded only if the page never reloaded.
    page.evaluate("window.walkMark = 1")
    first = page.locator(".status").all_text_contents()
    _succeeded(walk, _row(walk, "AN4 sentences"))
    _succeeded(walk, _row(walk, "AN4 dev clips"))
    assert page.evaluate("window.walkMark") == 1, "the data list reloaded"
    walk.shot("manage data: both succeeded")
    _row(walk, "AN4 dev clips").get_by_role("link", name="AN4 dev clips").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AN4 dev clips")
    totals = page.get_by_role("table", name="Totals")
    for row, value in (("Accepted files", rf"{len(DEV_CLIPS)}$"), ("Rejected files", r"0$"),
                       ("Audio duration", r"\d s$")):
        cells = totals.get_by_role("row", name=re.compile(f"^{row}")).get_by_role("cell")
        expect(cells).to_have_text(re.compile(value))
    walk.shot("dataset: validation report")
    _menu(walk, "Manage data")  # opened again: each dataset's figures
    expect(_row(walk, "AN4 sentences")).to_contain_text(re.compile(r"\b\d+ lines\b"))
    expect(_row(walk, "AN4 dev clips")).to_contain_text(f"{len(DEV_CLIPS)} files")
    walk.shot("manage data: figures")
    return any(text.startswith("Processing") for text in first)


def _train(walk: Walk) -> None:
    page = walk.page
    _menu(walk, "Train model")
    walk.shot("train model: empty")
    page.get_by_role("link", name="+ Train model").click()
    page.get_by_label(re.compile(r"Model name: sphinx-en-us\b")).check()
    walk.shot("train model: base model")
    _next(walk)
    page.get_by_label(re.compile(r"\bAN4 sentences \(Plain text\)")).check()
    walk.shot("train model: data")
    _next(walk)
    page.get_by_label("Name", exact=True).fill("AN4 custom")
    _next(walk)
    walk.shot("train model: review")
    page.get_by_role("button", name="Train a new model", exact=True).click()
    _menu(walk, "Train model")
    _succeeded(walk, _row(walk, "AN4 custom"))
    walk.shot("train model: succeeded")


def _test(walk: Walk) -> None:
    page = walk.page
    _menu(walk, "Test models")
    walk.shot("test models: empty")
    page.get_by_role("link", name="+ Create test").click()
    page.get_by_label(re.compile(r"\bEvaluate accuracy \(Audio \+ transcript data\)")).check()
    walk.shot("create test: type")
    _next(walk)
    page.get_by_label("AN4 dev clips", exact=True).check()
    _next(walk)
    page.get_by_label(re.compile(r"\(base model sphinx-en-us\)")).check()  # model 1
    page.get_by_label(re.compile(r"\bAN4 custom \(custom model\)")).check()  # model 2
    walk.shot("create test: models")
    _next(walk)
    page.get_by_label("Name", exact=True).fill("Base vs custom")
    _next(walk)
    walk.shot("create test: review")
    page.get_by_role("button", name="Create test", exact=True).click()
    _menu(walk, "Test models")
    _succeeded(walk, _row(walk, "Base vs custom"))
    _row(walk, "Base vs custom").get_by_role("link", name="Base vs custom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Base vs custom")
    scores = page.get_by_role("table", name=re.compile(r"Word error rate \(WER\)"))
    expect(scores.locator("tbody tr")).to_have_count(2)  # base and custom
    for column in ("WER", "Insertions", "Deletions", "Substitutions", "Sentence error rate"):
        expect(scores.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
    walk.shot("test result")

    side_by_side = page.get_by_role("table", name=re.compile(r"^Side by side"))
    side_by_side.scroll_into_view_if_needed()
    expect(side_by_side.locator("tbody tr")).to_have_count(len(DEV_CLIPS))
    for header in ("Human-labeled transcript", "Model 1", "Model 2"):
        expect(side_by_side.get_by_role("columnheader", name=header)).to_be_visible()
    walk.shot("test: side by side")
    toggle = page.get_by_role("checkbox", name="Deletions", exact=True)
    toggle.uncheck()
    expect(side_by_side).to_have_class(re.compile(r"\bhide-del\b"))
    walk.shot("test: side by side without deletions")
    toggle.check()
    expect(side_by_side).not_to_have_class(re.compile(r"\bhide-del\b"))
    page.get_by_role("link", name="Sort by errors").click()
    expect(page.get_by_role("link", name="Sort by dataset order")).to_be_visible()
    errors = side_by_side.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.errors))"
    )
    assert errors == sorted(errors, reverse=True), errors
    walk.shot("test: side by side sorted by errors")


def _deploy_and_try(walk: Walk, smoke: Path) -> str:
    page = walk.page
    _menu(walk, "Deploy models")
    walk.shot("deploy models: empty")
    page.get_by_role("link", name="+ Deploy model").click()
    page.get_by_label("Model", exact=True).select_option(label="AN4 custom")
    walk.shot("deploy model: model")
    _next(walk)
    page.get_by_label("Name", exact=True).fill("AN4 endpoint")
    _next(walk)
    page.get_by_role("checkbox", name=re.compile(r"\bterms\b")).check()
    walk.shot("deploy model: terms")
    _next(walk)
    walk.shot("deploy model: review")
    page.get_by_role("button", name="Deploy", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("AN4 endpoint")
    endpoint_id = (page.get_by_label("Endpoint ID").text_content() or "").strip()
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", endpoint_id), endpoint_id
    expect(page.get_by_text(f'endpoint_id="{endpoint_id}"').first).to_be_visible()
    walk.shot("deployment")

    page.get_by_label(re.compile(r"\bAudio file\b")).set_input_files(smoke / TRY_IT_WAV)
    page.get_by_role("button", name="Recognize", exact=True).click()
    result = page.get_by_role("region", name=re.compile(r"^Result"))
    expect(result).to_contain_text(TRY_IT_WAV, timeout=LONG_MS)
    expect(result.get_by_role("term")).to_contain_text(["Display", "Lexical"])
    expect(result.locator("#trial-display")).to_have_text(re.compile(r"\w"))
    expect(result.locator("#trial-lexical")).to_have_text(re.compile(r"^[a-z' ]*\byoung man\b"))
    expect(page.get_by_label("Endpoint ID")).to_have_text(endpoint_id)
    walk.shot("deployment: try it")
    return endpoint_id


def _catalog(walk: Walk, endpoint_id: str) -> None:
    page = walk.page
    page.get_by_role("navigation", name="Portal").get_by_role(
        "link", name="View fine-tuned models", exact=True
    ).click()
    row = _row(walk, "AN4 custom")
    expect(row).to_contain_text("Digits and letters")
    walk.shot("view fine-tuned models")
    row.get_by_role("link", name="AN4 endpoint").click()
    expect(page.get_by_label("Endpoint ID")).to_have_text(endpoint_id)
    walk.shot("view fine-tuned models: to the deployment")


def test_a_new_user_walks_from_sign_in_to_a_tried_deployment(
    server: tuple[str, str], shared_data: Path, tmp_path: Path
) -> None:
    base_url, key = server
    audio = tmp_path / "an4-dev-clips.zip"
    an4_subset(shared_data / "an4" / "dev.zip", audio, lambda _, name: name in DEV_CLIPS)
    clock = [time.monotonic()]
    laps: list[str] = []

    def lap(name: str) -> None:
        clock.append(time.monotonic())
        laps.append(f"{name} {clock[-1] - clock[-2]:.1f} s")

    with browser_walk(base_url, tmp_path / "screenshots") as walk:
        _sign_in_and_create_project(walk, key)
        lap("project")
        live = _manage_data(walk, shared_data / "an4" / "train-text.txt", audio)
        lap("data")
        _train(walk)
        lap("training")
        _test(walk)
        lap("test")
        endpoint_id = _deploy_and_try(walk, shared_data / "smoke")
        _catalog(walk, endpoint_id)
        lap("deployment")
        walk.check()
    total = clock[-1] - clock[0]
    seen = "seen" if live else "not seen (done before the list showed)"
    print(f"portal walk: {walk.count} steps in {total:.1f} s ({', '.join(laps)}); "
          f"a status changing live: {seen}")
