""" "Manage data": datasets of every kind, the "Add data" wizard and each validation report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from voxtune.data.kind import DatasetKind
from voxtune.data.report import DatasetReport, ReportEntry
from voxtune.errors import VoxtuneError
from voxtune.portal.listing import list_page, project_member, project_page
from voxtune.portal.projects import project_view
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
    upload_chunks,
)
from voxtune.service import datasets
from voxtune.service.context import Services
from voxtune.service.files import list_owner_files
from voxtune.service.schemas import DatasetCreate, Reference
from voxtune.service.views import iso
from voxtune.store.records import Entity

router = APIRouter(prefix=PREFIX)

# The portal's (Azure Speech Studio's) names of the API's dataset kinds, in its order
KIND_NAMES = {
    DatasetKind.ACOUSTIC: "Audio + human-labeled transcript",
    DatasetKind.AUDIO_FILES: "Audio only",
    DatasetKind.LANGUAGE: "Plain text",
    DatasetKind.LANGUAGE_MARKDOWN: "Structured text",
    DatasetKind.PRONUNCIATION: "Pronunciation",
    DatasetKind.OUTPUT_FORMATTING: "Output format",
}
KIND_HINTS = {
    DatasetKind.ACOUSTIC: "A .zip of WAV files and a trans.txt with one line per file: "
    "the file name, a tab, then what is said. Trains and tests models.",
    DatasetKind.AUDIO_FILES: "A .zip of WAV files without transcripts: for inspecting "
    "the quality of models.",
    DatasetKind.LANGUAGE: "A UTF-8 text file with one sentence per line, as people would "
    "say it: adapts a model to your words and phrases.",
    DatasetKind.LANGUAGE_MARKDOWN: "A Markdown (.md) file of lists, sentence templates and "
    "pronunciations.",
    DatasetKind.PRONUNCIATION: "A UTF-8 text file with one word per line: the display form, "
    "a tab, then how it is spoken.",
    DatasetKind.OUTPUT_FORMATTING: "A Markdown (.md) file of #itn, #rewrite, #profanity and "
    "#test sections: how recognized text is displayed.",
}
AUDIO_KINDS = (DatasetKind.ACOUSTIC, DatasetKind.AUDIO_FILES)


def kind_name(kind: str) -> str:
    """The portal's name of an API dataset kind ("Acoustic" -> "Audio + human-labeled ...")."""
    try:
        return KIND_NAMES[DatasetKind.parse(kind)]
    except ValueError:
        return kind


def duration_text(milliseconds: int | None) -> str:
    if milliseconds is None:
        return ""
    seconds = milliseconds / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {rest} s"


def size_text(size_bytes: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size_bytes >= scale:
            return f"{size_bytes / scale:.1f} {unit}"
    return f"{size_bytes} bytes"


@dataclass(frozen=True)
class DatasetView:
    """What the pages show of one dataset."""

    id: str
    name: str
    description: str
    kind: str  # the API's kind ("Acoustic")
    kind_name: str  # the portal's ("Audio + human-labeled transcript")
    locale: str
    status: str
    status_label: str
    created: str  # ISO 8601, as the API writes it
    last_action: str
    source: str  # the uploaded file's name or the contentUrl
    accepted: int | None  # files or lines, once processed
    rejected: int | None
    unit: str  # "files" or "lines"
    duration: str  # of the accepted audio, in words ("" when not audio or not yet known)
    error: str  # why processing failed, in words ("" unless Failed)

    @classmethod
    def of(cls, entity: Entity) -> DatasetView:
        kind = str(entity.refs.get("kind") or "")
        audio = kind in AUDIO_KINDS
        properties = entity.properties
        error = properties.get("error") or {}
        return cls(
            id=entity.id,
            name=entity.display_name,
            description=entity.description,
            kind=kind,
            kind_name=kind_name(kind),
            locale=entity.locale,
            status=entity.status,
            status_label=status_label(entity.status),
            created=iso(entity.created_at),
            last_action=iso(entity.last_action_at),
            source=str(entity.attrs.get("contentUrl") or entity.attrs.get("fileName") or ""),
            accepted=properties.get("acceptedLineCount"),
            rejected=properties.get("rejectedLineCount"),
            unit="files" if audio else "lines",
            duration=duration_text(properties.get("durationMilliseconds")) if audio else "",
            error=str(error.get("message") or "") if entity.status == "Failed" else "",
        )


@router.get("/projects/{project_id}/data")
def data_list(
    request: Request, project_id: str, _session: SessionDep, services: ServicesDep
) -> Response:
    return list_page(
        request, services, project_id, "data", "datasets", DatasetView.of, title="Manage data"
    )


@router.get("/projects/{project_id}/data/new")
def add_data_page(
    request: Request, project_id: str, _session: SessionDep, services: ServicesDep
) -> Response:
    project = project_view(request, services, project_id)
    return _wizard(request, services, project, {}, "")


def _wizard(
    request: Request,
    services: Services,
    project: dict[str, Any],
    values: dict[str, str],
    error: str,
    status: int = 200,
) -> Response:
    return project_page(
        request,
        "data/new.html",
        project,
        "data",
        status,
        title="Add data",
        kinds=[(kind.value, KIND_NAMES[kind], KIND_HINTS[kind]) for kind in KIND_NAMES],
        max_upload=size_text(services.settings.max_upload_bytes),
        values=values,
        error=error,
    )


def _form_problem(
    services: Services, values: dict[str, str], upload: UploadFile | None
) -> tuple[str, int] | None:
    """What is wrong with the wizard's input, in words, and the status to answer with."""
    if values["kind"] not in {kind.value for kind in DatasetKind}:
        return "Choose the type of data.", 400
    if upload is None and not values["url"]:
        return "Upload your data: choose a local file or give a URL.", 400
    if upload is not None and values["url"]:
        return "Choose a local file or give a URL, not both.", 400
    limit = services.settings.max_upload_bytes
    if upload is not None and upload.size is not None and upload.size > limit:
        return (
            f"The file {upload.filename} is {size_text(upload.size)}; this server takes "
            f"uploads of at most {size_text(limit)}. Split the data, or give a URL.",
            413,
        )
    if not values["name"]:
        return "Give the data a name.", 400
    return None


@router.post("/projects/{project_id}/data/new")
def add_data(request: Request, project_id: str, form: FormDep, services: ServicesDep) -> Response:
    project = project_view(request, services, project_id)
    values = {k: form_text(form, k) for k in ("kind", "url", "name", "description")}
    upload = next(iter(form_files(form, "file")), None)
    problem = _form_problem(services, values, upload)
    again = " Choose the file again." if upload is not None else ""
    if problem is not None:
        return _wizard(request, services, project, values, problem[0] + again, problem[1])
    try:
        body = DatasetCreate(
            displayName=values["name"],
            description=values["description"] or None,
            locale=project["locale"],
            kind=values["kind"],
            contentUrl=values["url"] or None,
            project=Reference.model_validate({"self": project["self"]}),
        )
        if upload is None:
            entity = datasets.create_dataset(services, body)
        else:
            entity = datasets.upload_dataset(
                services, body, upload.filename or "", upload_chunks(upload)
            )
    except (VoxtuneError, ValidationError) as error:
        return _wizard(request, services, project, values, problem_of(error) + again, 400)
    return redirect(f"{PREFIX}/projects/{project['id']}/data/{entity.id}")


@dataclass(frozen=True)
class FileLink:
    name: str
    kind: str
    size: str
    url: str


@router.get("/projects/{project_id}/data/{dataset_id}")
def dataset_page(
    request: Request,
    project_id: str,
    dataset_id: str,
    _session: SessionDep,
    services: ServicesDep,
) -> Response:
    project = project_view(request, services, project_id)
    entity = project_member(services, "datasets", project["id"], dataset_id)
    report = datasets.dataset_report(services, entity.id)
    links = links_of(request)
    files = [
        FileLink(r.name, r.kind, size_text(r.size), links.content_url(r))
        for r in list_owner_files(services, entity.id)
    ]
    return project_page(
        request,
        "data/dataset.html",
        project,
        "data",
        title=entity.display_name,
        dataset=DatasetView.of(entity),
        report=report,
        report_duration=duration_text(
            round(report.audio_duration_s * 1000) if report is not None else None
        ),
        rejected=_entries(report, "rejected"),
        remarks=_entries(report, "accepted"),
        files=files,
    )


def _entries(report: DatasetReport | None, status: str) -> list[ReportEntry]:
    return [] if report is None else [e for e in report.entries if e.status == status]
