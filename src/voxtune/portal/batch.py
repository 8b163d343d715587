"""Batch transcription: submit files or a dataset to a model, download the results.

Submitting calls the service's submit_transcription (a dataset) or submit_uploaded_files
(files uploaded with the form); the results are the job's files, downloaded through the
API's signed file links, and the page shows each file's outcome from the job's report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from voxtune.errors import InvalidInputError, VoxtuneError
from voxtune.portal.catalog import (
    ModelChoice,
    base_model_choices,
    custom_model_choices,
    model_label,
    model_reference,
)
from voxtune.portal.data import AUDIO_KINDS, kind_name
from voxtune.portal.status import status_label
from voxtune.portal.web import (
    PREFIX,
    FormDep,
    ServicesDep,
    SessionDep,
    form_text,
    links_of,
    problem_of,
    redirect,
    render,
)
from voxtune.service import entities, transcriptions
from voxtune.service.context import Services
from voxtune.service.files import list_owner_files
from voxtune.service.schemas import (
    ProfanityFilterMode,
    PunctuationMode,
    Reference,
    TranscriptionCreate,
    TranscriptionProperties,
)
from voxtune.service.transcriptions import UploadedAudio
from voxtune.service.views import entity_json, supported_locales
from voxtune.store import records
from voxtune.store.records import Entity, FileRecord

router = APIRouter(prefix=PREFIX)
UPLOAD_CHUNK_BYTES = 1024 * 1024
SHOWN_RESULTS = 200  # files listed on the page; every file is in the downloads
FIELDS = ("source", "dataset", "locale", "model", "name", "description", "project",
          "punctuation", "profanity", "word_timestamps", "display_timestamps")


@router.get("/batch")
def batch_list(request: Request, _session: SessionDep, services: ServicesDep) -> Response:
    with services.database.begin() as connection:
        rows = records.list_entities(connection, "transcriptions")
    links = links_of(request)
    items = [
        {
            "id": t.id,
            "name": t.display_name,
            "status": t.status,
            "label": status_label(t.status),
            "model": model_label(services, str(t.refs["model_id"])),
            "source": source_of(services, t),
            "created": entity_json(t, links)["createdDateTime"],
        }
        for t in reversed(rows)
    ]
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
        if d.refs["kind"] in AUDIO_KINDS  # what submit_transcription accepts
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


def _uploads(form: Mapping[str, Any]) -> list[UploadFile]:
    if not isinstance(form, FormData):
        return []
    return [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]


def _chunks(upload: UploadFile) -> Iterator[bytes]:
    return iter(lambda: upload.file.read(UPLOAD_CHUNK_BYTES), b"")


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
    uploads = _uploads(form)
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
            files = [UploadedAudio(u.filename or "", _chunks(u)) for u in uploads]
            entity = transcriptions.submit_uploaded_files(services, _body(request, values), files)
    except (VoxtuneError, ValidationError) as error:
        return _form(request, services, values, problem_of(error), 400)
    return redirect(f"{PREFIX}/batch/{entity.id}")


@dataclass(frozen=True)
class FileResult:
    """One transcribed input: its outcome from the report and, if it succeeded, its result."""

    source: str
    status: str
    error: str = ""
    display: str = ""
    download: str = ""  # the result file's signed link
    file_name: str = ""


def file_results(
    request: Request, services: Services, transcription_id: str
) -> tuple[list[FileResult], FileRecord | None]:
    """Each input's result (from the job's report and result files) and the report file."""
    links = links_of(request)
    files = list_owner_files(services, transcription_id)
    report = next((f for f in files if f.kind == "TranscriptionReport"), None)
    if report is None:
        return [], None
    results: dict[str, tuple[FileRecord, str]] = {}  # source -> (result file, display text)
    for record in files:
        if record.kind == "Transcription" and len(results) < SHOWN_RESULTS:
            body: dict[str, Any] = json.loads(services.blobs.read_bytes(record.blob_key))
            display = " ".join(p["display"] for p in body.get("combinedRecognizedPhrases", []))
            results[str(body.get("source", ""))] = (record, display)
    rows = []
    details = json.loads(services.blobs.read_bytes(report.blob_key))["details"]
    for detail in details[:SHOWN_RESULTS]:
        found = results.get(detail["source"])
        rows.append(
            FileResult(
                detail["source"],
                detail["status"],
                detail.get("errorMessage", ""),
                found[1] if found else "",
                links.content_url(found[0]) if found else "",
                found[0].name if found else "",
            )
        )
    return rows, report


@router.get("/batch/{transcription_id}")
def batch_page(
    transcription_id: str, request: Request, _session: SessionDep, services: ServicesDep
) -> Response:
    entity = entities.get(services, "transcriptions", transcription_id)
    links = links_of(request)
    rows, report = file_results(request, services, entity.id)
    return render(
        request, "batch/transcription.html", title=entity.display_name, nav="batch",
        transcription=entity_json(entity, links), transcription_id=entity.id,
        status_label=status_label(entity.status),
        model_name=model_label(services, str(entity.refs["model_id"])),
        source=source_of(services, entity), results=rows,
        report_link=links.content_url(report) if report else "",
        shown=SHOWN_RESULTS,
    )
