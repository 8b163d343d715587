""" "Train model": custom models, the "+ Train model" wizard and training reports."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from voxtune.errors import NotFoundError, VoxtuneError
from voxtune.portal.catalog import base_model_label
from voxtune.portal.data import kind_name
from voxtune.portal.listing import list_page, project_entities, project_member, project_page
from voxtune.portal.projects import project_view
from voxtune.portal.status import status_label, status_of
from voxtune.portal.web import (
    PREFIX,
    FormDep,
    ServicesDep,
    SessionDep,
    form_text,
    form_values,
    links_of,
    problem_of,
    redirect,
)
from voxtune.service import entities, models
from voxtune.service.context import Services
from voxtune.service.models import TRAINABLE_KINDS
from voxtune.service.schemas import ModelCreate, Reference
from voxtune.service.views import (
    Links,
    base_model_entries,
    base_model_json,
    iso,
    model_reference,
)
from voxtune.store.records import Entity

router = APIRouter(prefix=PREFIX)


@dataclass(frozen=True)
class BaseModelChoice:
    """A base model the wizard offers, as GET /speechtotext/models/base renders it."""

    id: str
    name: str  # "en-US Whisper base (multilingual)"
    model_name: str  # the engine registry's ("whisper-base"), as the CLI and API name it
    description: str
    adapts_with: tuple[str, ...]  # the portal's names of the dataset kinds
    kinds: tuple[str, ...]  # the API's kinds ("Acoustic", ...)
    default: bool  # what the locale gets when a request names no base model
    self_url: str


def base_model_choices(links: Links, locale: str) -> list[BaseModelChoice]:
    """Every base model the server offers in `locale`, the locale's default first."""
    choices = []
    for model_id, entry in base_model_entries().items():
        if entry.locale != locale:
            continue
        body = base_model_json(links, model_id)
        kinds = tuple(body["properties"]["features"]["supportsAdaptationsWith"])
        choices.append(
            BaseModelChoice(
                id=model_id,
                name=body["displayName"],
                model_name=body["properties"]["baseModelName"],
                description=body.get("description", ""),
                adapts_with=tuple(kind_name(k) for k in kinds),
                kinds=kinds,
                default=bool(body["properties"]["defaultForLocale"]),
                self_url=body["self"],
            )
        )
    return sorted(choices, key=lambda choice: not choice.default)


def base_model_name(model_id: str) -> str:
    """The display name of a base model; custom models are named by their own pages."""
    return base_model_label(model_id) if model_id in base_model_entries() else model_id


@dataclass(frozen=True)
class DatasetChoice:
    id: str
    name: str
    kind: str
    kind_name: str


@dataclass(frozen=True)
class ModelView:
    """What the pages show of one custom model."""

    id: str
    name: str
    description: str
    locale: str
    status: str
    status_label: str
    percent: int | None  # of the running training
    created: str
    base_model: str  # its display name
    datasets: tuple[DatasetChoice, ...]
    error: str  # why training failed, in words ("" unless Failed)
    error_code: str


def dataset_choice(entity: Entity) -> DatasetChoice:
    kind = str(entity.refs.get("kind") or "")
    return DatasetChoice(entity.id, entity.display_name, kind, kind_name(kind))


def model_view(services: Services, entity: Entity) -> ModelView:
    status = status_of(services, "models", entity.id)
    error = entity.properties.get("error") or {}
    used = []
    for dataset_id in entity.attrs.get("datasets", []):
        try:
            used.append(dataset_choice(entities.get(services, "datasets", dataset_id)))
        except NotFoundError:
            used.append(DatasetChoice(dataset_id, "(deleted)", "", ""))
    return ModelView(
        id=entity.id,
        name=entity.display_name,
        description=entity.description,
        locale=entity.locale,
        status=entity.status,
        status_label=status_label(entity.status),
        percent=status["percent"],
        created=iso(entity.created_at),
        base_model=base_model_name(str(entity.refs.get("base_model_id") or "")),
        datasets=tuple(used),
        error=str(error.get("message", "")),
        error_code=str(error.get("code", "")),
    )


def trainable_datasets(services: Services, project_id: str) -> list[DatasetChoice]:
    rows = project_entities(services, "datasets", project_id, status="Succeeded")
    return [dataset_choice(row) for row in rows if row.refs.get("kind") in TRAINABLE_KINDS]


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class KindUse:
    kind: str  # the portal's name of the dataset kind
    use: str  # what training did with it, or "not used: ..."


@dataclass(frozen=True)
class LossCurve:
    """The fine-tuning loss per step, drawn as an inline SVG polyline."""

    losses: tuple[float, ...]
    width: int = 360
    height: int = 120

    @property
    def points(self) -> str:
        low, high = min(self.losses), max(self.losses)
        span = (high - low) or 1.0
        last = max(len(self.losses) - 1, 1)
        return " ".join(
            f"{self.width * i / last:.1f},{self.height * (1 - (loss - low) / span):.1f}"
            for i, loss in enumerate(self.losses)
        )


@dataclass(frozen=True)
class ReportView:
    """The facts of a training report (either engine's), in words."""

    engine: str
    facts: tuple[Fact, ...]
    uses: tuple[KindUse, ...]
    curve: LossCurve | None
    formatting_failures: tuple[tuple[int, str, str, str], ...]  # line, input, expected, got


def report_view(report: Mapping[str, Any]) -> ReportView:
    whisper = report.get("engine") == "whisper"
    given = list(dict.fromkeys(str(d.get("kind")) for d in report.get("datasets", [])))
    uses = _whisper_uses(report) if whisper else _sphinx_uses(report)
    curve = None
    fine_tuning = report.get("fine_tuning") or {}
    losses = tuple(float(x) for x in fine_tuning.get("losses", []) if _finite(x))
    if losses:
        curve = LossCurve(losses)
    tests = report.get("formatting_tests") or {}
    return ReportView(
        engine="Whisper" if whisper else "pocketsphinx",
        facts=tuple(_whisper_facts(report) if whisper else _sphinx_facts(report)),
        uses=tuple(KindUse(kind_name(k), uses.get(k) or "not used") for k in given),
        curve=curve,
        formatting_failures=tuple(
            (int(f[0]), str(f[1]), str(f[2]), str(f[3])) for f in tests.get("failures", [])
        ),
    )


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _whisper_uses(report: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (report.get("uses") or {}).items()}


def _sphinx_uses(report: Mapping[str, Any]) -> dict[str, str]:
    """What the pocketsphinx training did with each kind, read off its report."""
    uses = {
        "Language": "its sentences joined the language model's text",
        "LanguageMarkdown": "its sentences and lists joined the language model's text",
    }
    acoustic = report.get("acoustic")
    if acoustic:
        uses["Acoustic"] = (
            f"adapted the acoustic model on {acoustic['utterances_aligned']} of "
            f"{acoustic['utterances_total']} utterances "
            f"({acoustic['audio_seconds_aligned']:.0f} s of audio"
            f"{', MLLR and MAP' if acoustic.get('mllr_applied') else ', MAP'}); "
            "the transcripts joined the language model's text"
        )
    else:
        uses["Acoustic"] = (
            "the transcripts joined the language model's text (the acoustic model was not adapted)"
        )
    lexicon = report.get("lexicon") or {}
    yours = sum(1 for entry in lexicon.get("added", []) if entry[2] == "user")
    rejected = len(lexicon.get("rejected_user", []))
    if yours:
        uses["Pronunciation"] = f"{yours} words joined the lexicon with your pronunciations" + (
            f" ({rejected} refused)" if rejected else ""
        )
    elif rejected:
        uses["Pronunciation"] = f"not used: all {rejected} pronunciations were refused"
    tests = report.get("formatting_tests") or {}
    files = report.get("formatting_files") or []
    if files:
        uses["OutputFormatting"] = (
            f"display rules from {len(files)} file(s); #test lines: "
            f"{tests.get('passed', 0)} passed, {tests.get('failed', 0)} failed"
        )
    return uses


def _sphinx_facts(report: Mapping[str, Any]) -> list[Fact]:
    lm = report.get("language_model") or {}
    lexicon = report.get("lexicon") or {}
    facts = [
        Fact(
            "Training text",
            f"{report.get('sentences', 0)} sentences, {report.get('words', 0)} words",
        ),
        Fact("Words the base vocabulary lacked", f"{report.get('oov_rate', 0):.2%}"),
    ]
    if lm:
        facts.append(
            Fact("Language model weight", f"{lm['weight_percent']}% ({lm['weight_chosen_by']})")
        )
        if _finite(lm.get("perplexity_base")) and _finite(lm.get("perplexity_custom")):
            facts.append(
                Fact(
                    "Held-out perplexity",
                    f"{lm['perplexity_base']:.1f} base, {lm['perplexity_custom']:.1f} custom "
                    f"({lm['heldout_sentences']} held-out sentences)",
                )
            )
    if lexicon:
        facts.append(Fact("Lexicon", f"{lexicon['words']} words, {lexicon['added_count']} added"))
    acoustic = report.get("acoustic")
    if acoustic:
        facts.append(
            Fact(
                "Acoustic adaptation",
                f"{acoustic['senones_updated']} senones and {acoustic['gaussians_updated']} "
                "Gaussians updated",
            )
        )
    facts.append(Fact("Training time", f"{report.get('elapsed_s', 0)} s"))
    return facts


def _whisper_facts(report: Mapping[str, Any]) -> list[Fact]:
    facts = []
    tuning = report.get("fine_tuning")
    if tuning:
        facts.append(
            Fact(
                "Fine-tuning",
                f"{tuning['steps']} steps on {tuning['utterances']} utterances "
                f"({tuning['audio_s']:.0f} s of audio)",
            )
        )
        losses = [x for x in tuning.get("losses", []) if _finite(x)]
        if losses:
            facts.append(
                Fact("Loss", f"{losses[0]:.3f} at the first step, {losses[-1]:.3f} at the last")
            )
        if tuning.get("resumed_from_step"):
            facts.append(Fact("Resumed", f"from step {tuning['resumed_from_step']}"))
    if report.get("prompt_text"):
        facts.append(Fact("Decoding context", str(report["prompt_text"])))
    if report.get("rewrites"):
        facts.append(Fact("Display rewrites", str(report["rewrites"])))
    facts.append(Fact("Training time", f"{report.get('elapsed_s', 0)} s"))
    return facts


@router.get("/projects/{project_id}/models")
def model_list(
    request: Request, _session: SessionDep, project_id: str, services: ServicesDep
) -> Response:
    return list_page(
        request,
        services,
        project_id,
        "models",
        "models",
        lambda model: model_view(services, model),
        title="Train model",
    )


@router.get("/projects/{project_id}/models/new")
def new_model_page(
    request: Request, _session: SessionDep, project_id: str, services: ServicesDep
) -> Response:
    project = project_view(request, services, project_id)
    return _wizard(request, services, project, {}, [], "")


def _wizard(
    request: Request,
    services: Services,
    project: dict[str, Any],
    values: Mapping[str, str],
    chosen: list[str],
    error: str,
    status: int = 200,
) -> Response:
    choices = base_model_choices(links_of(request), project["locale"])
    selected = values.get("base_model") or (choices[0].id if choices else "")
    return project_page(
        request,
        "models/new.html",
        project,
        "models",
        status,
        title="Train a new model",
        base_models=choices,
        selected_base=selected,
        datasets=trainable_datasets(services, project["id"]),
        chosen=set(chosen),
        values=values,
        error=error,
    )


@router.post("/projects/{project_id}/models/new")
def create_model(
    request: Request, form: FormDep, project_id: str, services: ServicesDep
) -> Response:
    project = project_view(request, services, project_id)
    values = {k: form_text(form, k) for k in ("base_model", "name", "description")}
    chosen = form_values(form, "datasets")
    links = links_of(request)
    choices = {choice.id: choice for choice in base_model_choices(links, project["locale"])}
    problem = ""
    if values["base_model"] not in choices:
        problem = f"Choose one of the base models offered for {project['locale']}."
    elif not chosen:
        problem = "Choose the data to train with: at least one dataset of this project."
    elif not values["name"]:
        problem = "Give the model a name."
    if problem:
        return _wizard(request, services, project, values, chosen, problem, 400)
    try:
        body = ModelCreate(
            displayName=values["name"],
            description=values["description"] or None,
            locale=project["locale"],
            project=Reference.model_validate({"self": project["self"]}),
            baseModel=Reference.model_validate({"self": choices[values["base_model"]].self_url}),
            datasets=[
                Reference.model_validate({"self": links.url(f"datasets/{dataset_id}")})
                for dataset_id in chosen
            ],
        )
        _check_project_datasets(services, project["id"], chosen)
        entity = models.create_model(services, body)
    except (VoxtuneError, ValidationError) as error:
        return _wizard(request, services, project, values, chosen, problem_of(error), 400)
    return redirect(f"{PREFIX}/projects/{project['id']}/models/{entity.id}")


def _check_project_datasets(services: Services, project_id: str, dataset_ids: list[str]) -> None:
    for dataset_id in dataset_ids:
        try:
            project_member(services, "datasets", project_id, dataset_id)
        except NotFoundError as error:
            raise NotFoundError(f"this project has no dataset with id {dataset_id}") from error


@router.get("/projects/{project_id}/models/{model_id}")
def model_page(
    request: Request,
    _session: SessionDep,
    project_id: str,
    model_id: str,
    services: ServicesDep,
) -> Response:
    project = project_view(request, services, project_id)
    entity = project_member(services, "models", project["id"], model_id)
    links = links_of(request)
    report: ReportView | None = None
    raw = models.training_report(services, entity.id)
    if raw is not None:
        report = report_view(raw)
    return project_page(
        request,
        "models/detail.html",
        project,
        "models",
        title=entity.display_name,
        model=model_view(services, entity),
        report=report,
        api_url=model_reference(links, entity.id)["self"],
    )
