""""Deploy models": endpoints, the "+ Deploy model" wizard, snippets and the try-it box.

The try-it box recognizes through the short-audio REST route's own code (parse_request and
recognize_short on the app's Transcriber), so what the page shows is what an app gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from voxtune.errors import InvalidInputError, VoxtuneError
from voxtune.portal.catalog import (
    ModelChoice,
    base_model_choices,
    custom_model_choices,
    model_label,
    model_page,
    model_reference,
)
from voxtune.portal.listing import ModelUseRow, list_page, project_member, project_page
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
)
from voxtune.realtime.short_audio import MAX_SHORT_AUDIO_BYTES, parse_request, recognize_short
from voxtune.service import endpoints
from voxtune.service.context import Services
from voxtune.service.schemas import EndpointCreate, Reference
from voxtune.service.transcribe_now import Transcriber
from voxtune.service.views import RECOGNITION_PATH, entity_json
from voxtune.store import records
from voxtune.store.records import Entity

router = APIRouter(prefix=PREFIX)
TERMS_FIELD = "terms"
PLACEHOLDER_KEY = "YOUR_API_KEY"  # the snippets' stand-in for a key (`voxtune keys create`)
SPHINX_LICENCE = (
    "BSD-style licence of Carnegie Mellon University (pocketsphinx, its en-US acoustic "
    "model, dictionary and language model)"
)


def base_licences() -> list[tuple[str, str]]:
    """(base model, licence of its weights and software) for every installed base model:
    a custom model is its base model's weights changed, so the base's licence applies."""
    from voxtune.engine import available_base_models
    from voxtune.engine.whisper.weights import PACKAGES

    return [
        (model.display_name, PACKAGES[model.name].license if model.name in PACKAGES
         else SPHINX_LICENCE)
        for model in available_base_models()
    ]


@router.get("/projects/{project_id}/deployments")
def deployment_list(
    project_id: str, request: Request, _session: SessionDep, services: ServicesDep
) -> Response:
    return list_page(
        request,
        services,
        project_id,
        "deployments",
        "endpoints",
        lambda endpoint: ModelUseRow.of(services, endpoint),
        title="Deploy models",
    )


def _wizard(
    request: Request,
    services: Services,
    project: dict[str, Any],
    values: dict[str, str],
    error: str = "",
    status: int = 200,
) -> Response:
    choices: list[ModelChoice] = custom_model_choices(services, project["id"])
    choices += base_model_choices(project["locale"])
    return project_page(
        request, "deployments/new.html", project, "deployments", status, title="Deploy model",
        choices=choices, values=values, error=error, licences=base_licences(),
    )


@router.get("/projects/{project_id}/deployments/new")
def new_deployment_page(
    project_id: str, request: Request, _session: SessionDep, services: ServicesDep
) -> Response:
    project = project_view(request, services, project_id)
    return _wizard(request, services, project, {})


def _missing(values: dict[str, str]) -> str:
    if not values["model"]:
        return "Choose the model to deploy."
    if not values["name"]:
        return "Give the deployment a name."
    if values[TERMS_FIELD] != "accepted":
        return (
            "Read the terms and tick \"I agree\" to deploy: an endpoint is used under the "
            "licence of its base model."
        )
    return ""


@router.post("/projects/{project_id}/deployments/new")
def create_deployment(
    project_id: str, request: Request, form: FormDep, services: ServicesDep
) -> Response:
    project = project_view(request, services, project_id)
    values = {k: form_text(form, k) for k in ("model", "name", "description", TERMS_FIELD)}
    problem = _missing(values)
    if problem:
        return _wizard(request, services, project, values, problem, 400)
    try:
        body = EndpointCreate(
            displayName=values["name"],
            description=values["description"] or None,
            locale=project["locale"],
            model=model_reference(request, values["model"]),
            project=Reference.model_validate({"self": project["self"]}),
        )
        endpoint = endpoints.create_endpoint(services, body)
    except (VoxtuneError, ValidationError) as error:
        return _wizard(request, services, project, values, problem_of(error), 400)
    return redirect(f"{PREFIX}/projects/{project['id']}/deployments/{endpoint.id}")


@dataclass(frozen=True)
class Trial:
    """What the try-it box shows: the recognition of an uploaded clip, or why there is none."""

    file_name: str
    display: str = ""
    lexical: str = ""
    confidence: float | None = None
    duration_s: float | None = None
    no_match: bool = False
    error: str = ""


def trial_of(file_name: str, answer: dict[str, Any]) -> Trial:
    """The try-it result from the short-audio REST answer (detailed format)."""
    if answer.get("RecognitionStatus") != "Success" or not answer.get("NBest"):
        return Trial(file_name, no_match=True)
    best = answer["NBest"][0]
    return Trial(
        file_name,
        display=best["Display"],
        lexical=best["Lexical"],
        confidence=best["Confidence"],
        duration_s=answer["Duration"] / 10_000_000,  # 100-ns ticks
    )


def _endpoint_page(
    request: Request,
    services: Services,
    project: dict[str, Any],
    endpoint: Entity,
    trial: Trial | None = None,
    status: int = 200,
) -> Response:
    links = links_of(request)
    body = entity_json(endpoint, links)
    model_id = str(endpoint.refs["model_id"])
    with services.database.begin() as connection:
        custom = records.get_entity(connection, "models", model_id)
    base = links.base_url
    urls = {
        "short_audio": f"{base}{RECOGNITION_PATH}?language={endpoint.locale}&cid={endpoint.id}",
        "web_socket": body["links"]["webSocket"],
        "resource": body["self"],
        "host": base.replace("https://", "wss://").replace("http://", "ws://"),
        "base": base,
    }
    return project_page(
        request, "deployments/endpoint.html", project, "deployments", status,
        title=endpoint.display_name, endpoint=body, endpoint_id=endpoint.id,
        status_label=status_label(endpoint.status), model_name=model_label(services, model_id),
        model_page=model_page(custom) if custom is not None else None, urls=urls,
        key=PLACEHOLDER_KEY, trial=trial, max_mb=MAX_SHORT_AUDIO_BYTES // (1024 * 1024),
    )


@router.get("/projects/{project_id}/deployments/{endpoint_id}")
def deployment_page(
    project_id: str,
    endpoint_id: str,
    request: Request,
    _session: SessionDep,
    services: ServicesDep,
) -> Response:
    project = project_view(request, services, project_id)
    endpoint = project_member(services, "endpoints", project["id"], endpoint_id)
    return _endpoint_page(request, services, project, endpoint)


@router.post("/projects/{project_id}/deployments/{endpoint_id}/try")
def try_deployment(
    project_id: str,
    endpoint_id: str,
    request: Request,
    form: FormDep,
    services: ServicesDep,
) -> Response:
    """Recognize an uploaded (or recorded) clip as the short-audio REST API would."""
    project = project_view(request, services, project_id)
    endpoint = project_member(services, "endpoints", project["id"], endpoint_id)
    uploads = form_files(form, "audio")
    upload = uploads[0] if uploads else None
    file_name = (upload.filename or "") if upload is not None else ""
    try:
        if upload is None:
            raise InvalidInputError("Choose an audio file (or record one) to try the endpoint.")
        audio = upload.file.read(MAX_SHORT_AUDIO_BYTES + 1)  # one byte over: refused as long
        parsed = parse_request(
            services, language=endpoint.locale, cid=endpoint.id, output_format="detailed",
            profanity=None, word_timings=False,
        )
        transcriber: Transcriber = request.app.state.transcriber
        trial = trial_of(file_name, recognize_short(transcriber, parsed, audio))
    except VoxtuneError as error:
        trial = Trial(file_name, error=_audio_problem(error))
        return _endpoint_page(request, services, project, endpoint, trial, error.http_status)
    return _endpoint_page(request, services, project, endpoint, trial)


def _audio_problem(error: VoxtuneError) -> str:
    """The short-audio route's error as the box's sentence (its messages start in lower case)."""
    message = error.message
    return message[:1].upper() + message[1:]
