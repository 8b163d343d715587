"""Batch transcription: submit files or a dataset to a model, download the results.

Submitting calls the service's submit_transcription (a dataset) or submit_uploaded_files
(files uploaded with the form); the results are the job's files, downloaded through the
API's signed file links, and the page shows each file's outcome from the job's report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from voxtune.errors import InvalidInputError, VoxtuneError
from voxtune.portal.catalog import (
    ModelChoice,
    base_model_choices,
    custom_model_choices,
    model_label,
    model_reference,
)
from voxtune.portal.data import kind_name
from voxtune.portal.listing import ModelUseRow
from voxtune.portal.status import status_label
from voxtune.portal.web import (
    PREFIX,
    FormDep,
    ServicesDep,
    SessionDep,
    form_files,
    form_text,
    links_of,
    problem_of,
    redirect,
    render,
    upload_chunks,
)
from voxtune.service import entities, transcriptions
from voxtune.service.context import Services
from voxtune.service.schemas import (
    ProfanityFilterMode,
    PunctuationMode,
    Reference,
    TranscriptionCreate,
    TranscriptionProperties,
)
from voxtune.service.transcriptions import TRANSCRIBABLE_KINDS, UploadedAudio
from voxtune.service.views import entity_json, supported_locales
from voxtune.store import records
from voxtune.store.records import Entity

router = APIRouter(prefix=PREFIX)
SHOWN_RESULTS = 200  # files listed on the page; every file is in the downloads
FIELDS = ("source", "dataset", "locale", "model", "name", "description", "project",
          "punctuation", "profanity", "word_timestamps", "display_timestamps")


@router.get("/batch")
def batch_list(request: Request, _session: SessionDep, services: ServicesDep) -> Response:
    with services.database.begin() as connection:
        rows = records.list_entities(connection, "transcriptions")
    items = [(ModelUseRow.of(services, t), source_of(services, t)) for t in reversed(rows)]
    return render(
        request, "batch/list.html", title="Batch transcription", nav="batch", items=items
    )


def source_of(services: Services, transcription: Entity) -> str:
    """What was transcribed, in words."""
    dataset_id = transcription.refs.get("dataset_id")
    if dataset_id:
        with services.database.begin() as connection:
            dataset = records.get_entity(connection, "datasets", dataset_id)
        return f"dataset {dataset.display_name}" if dataset else "a deleted dataset"
    uploads = transcription.attrs.get("uploads") or []
    urls = transcription.attrs.get("contentUrls") or []
    count = len(uploads) or len(urls)
    what = "uploaded file" if uploads else "URL"
    return f"{count} {what}{'' if count == 1 else 's'}"


def _audio_datasets(services: Services) -> list[dict[str, str]]:
    with services.database.begin() as connection:
        rows = records.list_entities(connection, "datasets", status="Succeeded")
        projects = {p.id: p.display_name for p in records.list_entities(connection, "projects")}
    return [
        {
            "id": d.id,
            "label": f"{projects.get(d.project_id or '', '(no project)')} / {d.display_name} "
            f"({kind_name(str(d.refs['kind']))}, {d.locale})",
        }
        for d in reversed(rows)
        if d.refs["kind"] in TRANSCRIBABLE_KINDS
    ]


def _form(
    request: Request, services: Services, values: Mapping[str, str], error: str = "",
    status: int = 200,
) -> Response:
    with services.database.begin() as connection:
        projects = list(reversed(records.list_entities(connection, "projects")))
    choices: list[ModelChoice] = custom_model_choices(services) + base_model_choices()
    return render(
        request, "batch/new.html", status, title="New batch transcription", nav="batch",
        values=values, error=error, datasets=_audio_datasets(services), choices=choices,
        locales=supported_locales(), projects=projects,
        punctuation_modes=get_args(PunctuationMode), profanity_modes=get_args(ProfanityFilterMode),
    )


@router.get("/batch/new")
def new_batch_page(request: Request, _session: SessionDep, services: ServicesDep) -> Response:
    defaults = {"source": "files", "locale": "en-US", "punctuation": "DictatedAndAutomatic",
                "profanity": "Masked", "word_timestamps": "on"}
    return _form(request, services, defaults)


def _body(request: Request, values: Mapping[str, str]) -> TranscriptionCreate:
    links = links_of(request)
    options = TranscriptionProperties.model_validate(
        {
            "wordLevelTimestampsEnabled": values["word_timestamps"] == "on",
            "displayFormWordLevelTimestampsEnabled": values["display_timestamps"] == "on",
            "punctuationMode": values["punctuation"] or None,
            "profanityFilterMode": values["profanity"] or None,
        }
    )
    return TranscriptionCreate(
        displayName=values["name"],
        description=values["description"] or None,
        locale=values["locale"],
        dataset=(
            Reference.model_validate({"self": links.url(f"datasets/{values['dataset']}")})
            if values["source"] == "dataset" else None
        ),
        model=model_reference(request, values["model"]) if values["model"] else None,
        project=(
            Reference.model_validate({"self": links.url(f"projects/{values['project']}")})
            if values["project"] else None
        ),
        properties=options,
    )


@router.post("/batch/new")
def submit_batch(request: Request, form: FormDep, services: ServicesDep) -> Response:
    values = {name: form_text(form, name) for name in FIELDS}
    uploads = form_files(form, "files")
    try:
        if not values["name"]:
            raise InvalidInputError("Give the transcription a name.")
        if values["source"] == "dataset":
            if not values["dataset"]:
                raise InvalidInputError("Choose the dataset to transcribe.")
            entity = transcriptions.submit_transcription(services, _body(request, values))
        elif not uploads:
            raise InvalidInputError("Choose one or more audio files to transcribe.")
        else:
            files = [UploadedAudio(u.filename or "", upload_chunks(u)) for u in uploads]
            entity = transcriptions.submit_uploaded_files(services, _body(request, values), files)
    except (VoxtuneError, ValidationError) as error:
        return _form(request, services, values, problem_of(error), 400)
    return redirect(f"{PREFIX}/batch/{entity.id}")


@router.get("/batch/{transcription_id}")
def batch_page(
    transcription_id: str, request: Request, _session: SessionDep, services: ServicesDep
) -> Response:
    entity = entities.get(services, "transcriptions", transcription_id)
    links = links_of(request)
    outcomes, report = transcriptions.transcription_outcomes(services, entity.id, SHOWN_RESULTS)
    # each input's outcome and its result file's signed link ("" for a failed input)
    rows = [(o, links.content_url(o.result) if o.result else "") for o in outcomes]
    return render(
        request, "batch/transcription.html", title=entity.display_name, nav="batch",
        transcription=entity_json(entity, links), transcription_id=entity.id,
        status_label=status_label(entity.status),
        model_name=model_label(services, str(entity.refs["model_id"])),
        source=source_of(services, entity), results=rows,
        report_link=links.content_url(report) if report else "",
        shown=SHOWN_RESULTS,
    )
