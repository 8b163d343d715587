""" "Train model" in the portal, on a real server on loopback with one worker: a sphinx model
trained through the wizard from a plain-text dataset, its report page, a training that fails
with its reason in words, and the wizard's form errors."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

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

TEXT_LINES = 120  # of AN4's training transcripts: a small Language dataset that trains fast


@pytest.fixture(scope="module")
def portal(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path, azure_samples: Path
) -> Iterator[ProjectPortal]:
    with live_portal(tmp_path_factory.mktemp("home")) as live:
        api = live.api
        project = api_project(api, "dictation")
        text = (shared_data / "an4" / "train-text.txt").read_text(encoding="utf-8")
        _, audio_only, _ = audio_zips(
            shared_data / "an4" / "dev.zip", tmp_path_factory.mktemp("zips"), 2
        )
        pronunciation = azure_samples / "en-US" / "general" / "training" / "pronunciation.txt"
        datasets = {
            "an4 text": upload(
                api,
                project["self"],
                "Language",
                "an4 text",
                "".join(f"{line}\n" for line in text.splitlines()[:TEXT_LINES]).encode(),
                "an4.txt",
            ),
            "clips": upload(
                api, project["self"], "AudioFiles", "clips", audio_only.read_bytes(), "c.zip"
            ),
            "words": upload(
                api,
                project["self"],
                "Pronunciation",
                "words",
                pronunciation.read_bytes(),
                "pronunciation.txt",
            ),
        }
        yield ProjectPortal(api, live.client, entity_id(project), project["self"], datasets)


def test_the_model_list_is_empty_at_first(portal: ProjectPortal) -> None:
    page = text_of(portal.page("/models"))
    assert "Train model" in page and "+ Train model" in page
    assert "No custom models yet" in page


def test_the_wizard_offers_every_base_model_of_the_locale(portal: ProjectPortal) -> None:
    page = portal.page("/models/new")
    bases = portal.api.call("GET", "/models/base", "PaginatedBaseModels", 200)["values"]
    en_us = [b for b in bases if b["locale"] == "en-US"]
    assert len(en_us) >= 1
    for base in en_us:
        assert f'value="{entity_id(base)}"' in page
        assert html.escape(base["displayName"]) in page
    default = next(b for b in en_us if b["properties"]["defaultForLocale"])
    words = text_of(page)
    assert f"{default['displayName']} (default for en-US)" in words
    assert "Adapts with: Audio + human-labeled transcript, Plain text" in words
    assert "Model name: sphinx-en-us" in words  # as the CLI and the API name it
    # the data step: the trainable Succeeded datasets, not the audio-only one
    assert f'value="{portal.datasets["an4 text"]}"' in page
    assert f'value="{portal.datasets["clips"]}"' not in page
    assert "Train a new model" in words and 'name="csrf_token"' in page


def test_train_a_sphinx_model_from_plain_text(portal: ProjectPortal) -> None:
    response = portal.post(
        "/models/new",
        {
            "base_model": sphinx_id(portal.api),
            "datasets": [portal.datasets["an4 text"]],
            "name": "an4 words",
            "description": "spelled names and numbers",
        },
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"/portal/projects/{portal.project_id}/models/")
    model_id = location.rsplit("/", 1)[1]
    running = text_of(portal.page(f"/models/{model_id}"))
    assert "an4 words" in running and "en-US base model (pocketsphinx)" in running
    assert portal.wait("models", model_id) == "Succeeded"

    page = portal.page(f"/models/{model_id}")
    words = text_of(page)
    assert 'data-status="Succeeded"' in page
    assert "an4 text" in words and "Plain text" in words  # the data used
    assert "its sentences joined the language model's text" in words
    assert f"Training text {TEXT_LINES} sentences" in words
    assert "Language model weight" in words and "Held-out perplexity" in words
    # the same model as the REST API has it
    rest = portal.api.call("GET", f"/models/{model_id}", "CustomModel", 200)
    assert rest["status"] == "Succeeded" and rest["displayName"] == "an4 words"
    assert [entity_id(d) for d in rest["datasets"]] == [portal.datasets["an4 text"]]
    listing = portal.page("/models")
    assert f"/models/{model_id}" in listing and "an4 words" in listing
    assert "No custom models yet" not in listing


def test_a_failed_training_says_why(portal: ProjectPortal) -> None:
    # pronunciations alone give the language model no text: training fails
    response = portal.post(
        "/models/new",
        {"base_model": sphinx_id(portal.api), "datasets": portal.datasets["words"], "name": "bad"},
    )
    assert response.status_code == 303, response.text
    model_id = response.headers["location"].rsplit("/", 1)[1]
    assert portal.wait("models", model_id) == "Failed"
    words = text_of(portal.page(f"/models/{model_id}"))
    assert "Training failed: the datasets contain no usable text or transcripts" in words
    assert "There is no training report" in words
    assert "Traceback" not in words


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"datasets": "an4 text"}, "Choose one of the base models offered for en-US"),
        ({"base_model": "sphinx"}, "Choose the data to train with"),
        ({"base_model": "sphinx", "datasets": "an4 text", "name": ""}, "Give the model a name"),
        ({"base_model": "sphinx", "datasets": "clips"}, "cannot be used for training"),
    ],
)
def test_form_errors_are_pages_in_words(
    portal: ProjectPortal, fields: dict[str, str], problem: str
) -> None:
    before = len(portal.api.call("GET", "/models", "PaginatedCustomModels", 200)["values"])
    posted = {"name": "x", **fields}
    if posted.get("base_model") == "sphinx":
        posted["base_model"] = sphinx_id(portal.api)
    if "datasets" in posted:
        posted["datasets"] = portal.datasets[posted["datasets"]]
    response = portal.post("/models/new", posted)
    assert response.status_code == 400
    words = text_of(response.text)
    assert problem in words and "Traceback" not in words
    assert "<h1>Train a new model</h1>" in response.text  # the wizard again, values kept
    after = len(portal.api.call("GET", "/models", "PaginatedCustomModels", 200)["values"])
    assert after == before


def test_a_model_of_another_project_is_not_found(portal: ProjectPortal) -> None:
    other = api_project(portal.api, "other")
    models = portal.api.call("GET", "/models", "PaginatedCustomModels", 200)["values"]
    assert models
    response = portal.client.get(
        f"/portal/projects/{entity_id(other)}/models/{entity_id(models[0])}"
    )
    assert response.status_code == 404 and "<h1>Not found</h1>" in response.text


def test_a_whisper_report_shows_its_uses_and_loss_curve() -> None:
    # the report a Whisper training writes (its dataclasses, filled as a fine-tuning fills them)
    from voxtune.engine.whisper.finetune import FineTuneReport
    from voxtune.engine.whisper.trainer import WhisperTrainingReport
    from voxtune.portal.training import ModelView, report_view
    from voxtune.portal.web import templates

    tuning = FineTuneReport({}, utterances=52, audio_s=160.4, steps=4, losses=[2.0, 1.5, 1.0, 0.5])
    report = WhisperTrainingReport(
        datasets=({"kind": "Acoustic"}, {"kind": "Language"}),
        dataset_hashes={},
        uses={
            "Acoustic": "fine-tuned low-rank adapters (rank 8) on the audio",
            "Language": "not used: the model is fine-tuned on audio",
        },
        fine_tuning=tuning.to_json(),
        prompt_text="",
        rewrites=0,
        formatting_files=(),
        formatting_tests={"passed": 0, "failed": 0, "failures": []},
        decoder_options={},
        elapsed_s=42.0,
    ).to_json()
    view = report_view(report)
    assert view.engine == "Whisper"
    assert [(u.kind, u.use[:9]) for u in view.uses] == [
        ("Audio + human-labeled transcript", "fine-tune"),
        ("Plain text", "not used:"),
    ]
    facts = {f.label: f.value for f in view.facts}
    assert facts["Fine-tuning"] == "4 steps on 52 utterances (160 s of audio)"
    assert facts["Loss"] == "2.000 at the first step, 0.500 at the last"
    assert view.curve is not None
    # the first step's loss is the highest: drawn at the top left, the last at the bottom right
    assert view.curve.points == "0.0,0.0 120.0,40.0 240.0,80.0 360.0,120.0"
    model = ModelView(
        "m",
        "whisper model",
        "",
        "en-US",
        "Succeeded",
        "Succeeded",
        None,
        "",
        "Whisper base",
        (),
        "",
        "",
    )
    page = templates.get_template("models/detail.html").render(
        prefix="/portal",
        project={"id": "p", "displayName": "P"},
        model=model,
        report=view,
        api_url="",
        section="models",
        csrf_token="",
        signed_in=True,
        nav="",
    )
    assert f'points="{view.curve.points}"' in page
    assert "Fine-tuning loss over 4 steps, from 2.000 to 0.500" in page
    assert "not used: the model is fine-tuned on audio" in page
