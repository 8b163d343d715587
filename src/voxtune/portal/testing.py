""" "Test models": accuracy and quality tests, their results and the side-by-side view.

A test is an evaluation of the REST API: "Evaluate accuracy" on an Acoustic dataset (WER
against the human-labeled transcripts), "Inspect quality" on an AudioFiles dataset (the
models' transcripts only). The side-by-side view highlights the errors the evaluation job's
alignment found (scoring.align, stored per utterance in its EvaluationDetails files): nothing
is aligned again here.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from voxtune.errors import NotFoundError, VoxtuneError
from voxtune.portal.catalog import model_label
from voxtune.portal.data import kind_name
from voxtune.portal.listing import list_page, project_entities, project_member, project_page
from voxtune.portal.projects import project_view
from voxtune.portal.status import status_label, status_of
from voxtune.portal.training import base_model_choices
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
from voxtune.scoring import EditOp
from voxtune.service import entities, evaluations
from voxtune.service.context import Services
from voxtune.service.schemas import EvaluationCreate, Reference
from voxtune.service.views import Links, base_model_entries, iso, model_reference
from voxtune.store.records import Entity

router = APIRouter(prefix=PREFIX)

# The portal's test types and the dataset kind each runs on
TEST_TYPES = {
    "accuracy": ("Evaluate accuracy (Audio + transcript data)", "Acoustic"),
    "inspect": ("Inspect quality (Audio-only data)", "AudioFiles"),
}
MAX_MODELS = 2  # a test compares one model or two


@dataclass(frozen=True)
class ModelChoice:
    id: str
    name: str
    kind: str  # "base model sphinx-en-us" or "custom model"


def model_choices(
    services: Services, links: Links, project: Mapping[str, Any]
) -> list[ModelChoice]:
    """The base models of the project's locale, then its Succeeded custom models."""
    choices = [
        ModelChoice(b.id, b.name, f"base model {b.model_name}")
        for b in base_model_choices(links, project["locale"])
    ]
    rows = project_entities(services, "models", project["id"], status="Succeeded")
    choices += [ModelChoice(m.id, m.display_name, "custom model") for m in rows]
    return choices


@dataclass(frozen=True)
class TestView:
    """What the pages show of one test (an evaluation)."""

    id: str
    name: str
    description: str
    test_type: str  # "accuracy" | "inspect"
    test_type_name: str
    status: str
    status_label: str
    percent: int | None
    created: str
    dataset_id: str
    dataset_name: str
    models: tuple[tuple[str, str], ...]  # (id, name); one entry when both are the same
    wers: tuple[float, ...]  # per model, once an accuracy test Succeeded
    error: str


def test_view(services: Services, entity: Entity) -> TestView:
    dataset_id = str(entity.refs["dataset_id"])
    try:
        dataset = entities.get(services, "datasets", dataset_id)
        dataset_name, kind = dataset.display_name, str(dataset.refs["kind"])
    except NotFoundError:
        dataset_name, kind = "(deleted dataset)", "Acoustic"
    test_type = "inspect" if kind == "AudioFiles" else "accuracy"
    ids = list(dict.fromkeys(str(entity.refs[c]) for c in ("model1_id", "model2_id")))
    properties = entity.properties
    wers = tuple(
        float(properties[f"wordErrorRate{n}"])
        for n in range(1, len(ids) + 1)
        if f"wordErrorRate{n}" in properties
    )
    return TestView(
        id=entity.id,
        name=entity.display_name,
        description=entity.description,
        test_type=test_type,
        test_type_name=TEST_TYPES[test_type][0],
        status=entity.status,
        status_label=status_label(entity.status),
        percent=status_of(services, "evaluations", entity.id)["percent"],
        created=iso(entity.created_at),
        dataset_id=dataset_id,
        dataset_name=dataset_name,
        models=tuple((i, model_label(services, i, deleted="(deleted model)")) for i in ids),
        wers=wers,
        error=str((properties.get("error") or {}).get("message", "")),
    )


@dataclass(frozen=True)
class ModelScore:
    """One model's figures of an accuracy test, from the evaluation's properties."""

    number: int
    name: str
    wer: float
    ser: float
    insertions: int
    deletions: int
    substitutions: int
    words: int
    sentences: int


def model_scores(properties: Mapping[str, Any], names: list[str]) -> list[ModelScore]:
    return [
        ModelScore(
            number=n,
            name=name,
            wer=float(properties[f"wordErrorRate{n}"]),
            ser=float(properties[f"sentenceErrorRate{n}"]),
            insertions=int(properties[f"wordInsertionCount{n}"]),
            deletions=int(properties[f"wordDeletionCount{n}"]),
            substitutions=int(properties[f"wordSubstitutionCount{n}"]),
            words=int(properties[f"wordCount{n}"]),
            sentences=int(properties[f"sentenceCount{n}"]),
        )
        for n, name in enumerate(names, start=1)
        if f"wordErrorRate{n}" in properties
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    model: str
    value: str  # as shown
    percent: float  # bar length, 0..100


def chart_bars(scores: list[ModelScore]) -> list[Bar]:
    """Rates as lengths of 100%; counts relative to the largest count of the chart."""
    bars = []
    for label, attr in (("WER", "wer"), ("Sentence error rate", "ser")):
        for s in scores:
            rate = float(getattr(s, attr))
            bars.append(Bar(label, s.name, f"{rate:.2%}", min(100.0, 100 * rate)))
    counts = ("Insertions", "Deletions", "Substitutions")
    largest = max([1] + [getattr(s, c.lower()) for s in scores for c in counts])
    for label in counts:
        for s in scores:
            count = int(getattr(s, label.lower()))
            bars.append(Bar(label, s.name, str(count), 100 * count / largest))
    return bars


@dataclass(frozen=True)
class Word:
    text: str
    css: str  # "", "err-sub", "err-del" or "err-ins"
    title: str  # the error in words


_WORD_CLASSES = {
    EditOp.SUBSTITUTE: "err-sub",
    EditOp.DELETE: "err-del",
    EditOp.INSERT: "err-ins",
}


def aligned_words(ops: list[Mapping[str, Any]]) -> tuple[Word, ...]:
    """A model's transcript as the stored alignment ops describe it: each error marked."""
    words = []
    for entry in ops:
        op = EditOp(entry["op"])
        ref, hyp = entry.get("ref") or "", entry.get("hyp") or ""
        if op is EditOp.EQUAL:
            words.append(Word(hyp, "", ""))
        elif op is EditOp.SUBSTITUTE:
            words.append(Word(hyp, _WORD_CLASSES[op], f"substitution: {hyp} for {ref}"))
        elif op is EditOp.DELETE:
            words.append(Word(ref, _WORD_CLASSES[op], f"deletion: {ref} is missing"))
        else:
            words.append(Word(hyp, _WORD_CLASSES[op], f"insertion: {hyp}"))
    return tuple(words)


@dataclass(frozen=True)
class Cell:
    """One model's transcript of one utterance."""

    words: tuple[Word, ...]  # accuracy: the aligned words; inspect: empty
    text: str  # inspect: the display text
    errors: int
    wer: float | None
    failure: str


@dataclass(frozen=True)
class Row:
    utterance: str
    reference: str  # the human-labeled transcript, as written ("" for inspect)
    cells: tuple[Cell, ...]
    differs: bool  # the models' transcripts differ

    @property
    def errors(self) -> int:
        return sum(cell.errors for cell in self.cells)


def detail_rows(details: list[dict[str, Any]], models: int) -> list[Row]:
    rows = []
    for detail in details:
        per_model = [detail[f"model{n}"] for n in range(1, models + 1)]
        if "ops" in per_model[0]:
            cells = tuple(
                Cell(
                    aligned_words(m["ops"]),
                    "",
                    sum(m["counts"][k] for k in ("substitutions", "deletions", "insertions")),
                    float(m["wordErrorRate"]),
                    "",
                )
                for m in per_model
            )
            heard = {" ".join(m["hypothesisTokens"]) for m in per_model}
            reference = str(per_model[0]["reference"])
        else:
            cells = tuple(
                Cell((), str(m.get("display") or ""), 0, None, str(m.get("failure") or ""))
                for m in per_model
            )
            heard = {str(m.get("hypothesis") or "") for m in per_model}
            reference = ""
        rows.append(Row(str(detail["utterance"]), reference, cells, len(heard) > 1))
    return rows


@router.get("/projects/{project_id}/tests")
def test_list(
    request: Request, _session: SessionDep, project_id: str, services: ServicesDep
) -> Response:
    return list_page(
        request,
        services,
        project_id,
        "tests",
        "evaluations",
        lambda evaluation: test_view(services, evaluation),
        title="Test models",
    )


@router.get("/projects/{project_id}/tests/new")
def new_test_page(
    request: Request, _session: SessionDep, project_id: str, services: ServicesDep
) -> Response:
    project = project_view(request, services, project_id)
    return _wizard(request, services, project, {"test_type": "accuracy"}, [], "")


def _project_datasets(services: Services, project_id: str, kind: str) -> list[Entity]:
    rows = project_entities(services, "datasets", project_id, status="Succeeded")
    return [row for row in rows if row.refs.get("kind") == kind]


def _wizard(
    request: Request,
    services: Services,
    project: dict[str, Any],
    values: Mapping[str, str],
    chosen: list[str],
    error: str,
    status: int = 200,
) -> Response:
    return project_page(
        request,
        "tests/new.html",
        project,
        "tests",
        status,
        title="Create test",
        test_types=TEST_TYPES,
        datasets={
            test_type: _project_datasets(services, project["id"], kind)
            for test_type, (_, kind) in TEST_TYPES.items()
        },
        models=model_choices(services, links_of(request), project),
        chosen=set(chosen),
        values=values,
        error=error,
    )


def _form_problem(
    services: Services, project_id: str, values: Mapping[str, str], chosen: list[str]
) -> str:
    """What is wrong with the posted test, in words ("" when nothing is)."""
    if values["test_type"] not in TEST_TYPES:
        return "Choose a test type: Evaluate accuracy or Inspect quality."
    if not values["dataset"]:
        return "Choose the data to test with."
    type_name, kind = TEST_TYPES[values["test_type"]]
    dataset = project_member(services, "datasets", project_id, values["dataset"])
    if dataset.refs.get("kind") != kind:
        return (
            f'The dataset "{dataset.display_name}" is {kind_name(str(dataset.refs["kind"]))} '
            f"data; {type_name} needs {kind_name(kind)} data."
        )
    if not chosen:
        return "Choose a model to test: one, or two to compare them."
    if len(chosen) > MAX_MODELS:
        return f"Choose at most {MAX_MODELS} models: a test compares one model or two."
    if not values["name"]:
        return "Give the test a name."
    return ""


@router.post("/projects/{project_id}/tests/new")
def create_test(
    request: Request, form: FormDep, project_id: str, services: ServicesDep
) -> Response:
    project = project_view(request, services, project_id)
    values = {k: form_text(form, k) for k in ("test_type", "dataset", "name", "description")}
    chosen = list(dict.fromkeys(form_values(form, "models")))
    links = links_of(request)
    try:
        problem = _form_problem(services, project["id"], values, chosen)
        if problem:
            return _wizard(request, services, project, values, chosen, problem, 400)
        references = [
            Reference.model_validate(model_reference(links, model_id)) for model_id in chosen
        ]
        for model_id in chosen:
            if model_id not in base_model_entries():
                project_member(services, "models", project["id"], model_id)
        body = EvaluationCreate(
            displayName=values["name"],
            description=values["description"] or None,
            locale=project["locale"],
            project=Reference.model_validate({"self": project["self"]}),
            dataset=Reference.model_validate({"self": links.url(f"datasets/{values['dataset']}")}),
            model1=references[0],
            model2=references[-1],  # one model: the same twice (decoded once)
        )
        entity = evaluations.create_evaluation(services, body)
    except (VoxtuneError, ValidationError) as error:
        return _wizard(request, services, project, values, chosen, problem_of(error), 400)
    return redirect(f"{PREFIX}/projects/{project['id']}/tests/{entity.id}")


@router.get("/projects/{project_id}/tests/{evaluation_id}")
def test_page(
    request: Request,
    _session: SessionDep,
    project_id: str,
    evaluation_id: str,
    services: ServicesDep,
    sort: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    project = project_view(request, services, project_id)
    entity = project_member(services, "evaluations", project["id"], evaluation_id)
    links = links_of(request)
    view = test_view(services, entity)
    names = [name for _, name in view.models]
    scores = model_scores(entity.properties, names)
    rows: list[Row] = []
    if entity.status == "Succeeded":
        rows = detail_rows(evaluations.evaluation_details(services, entity.id), len(names))
    if sort == "errors":
        rows.sort(key=lambda row: -row.errors)  # stable: ties stay in the dataset's order
    return project_page(
        request,
        "tests/detail.html",
        project,
        "tests",
        title=entity.display_name,
        test=view,
        scores=scores,
        bars=chart_bars(scores),
        rows=rows,
        sort=sort,
        differing=sum(row.differs for row in rows),
        api_url=links.url(f"evaluations/{entity.id}"),
    )


@router.get("/projects/{project_id}/tests/{evaluation_id}/audio")
def utterance_audio(
    _session: SessionDep,
    project_id: str,
    evaluation_id: str,
    services: ServicesDep,
    utterance: Annotated[str, Query(min_length=1, max_length=1000)],
) -> Response:
    """One utterance's audio, from the test's dataset, for the side-by-side view."""
    entity = project_member(services, "evaluations", project_id, evaluation_id)
    audio = evaluations.utterance_audio(services, entity.id, utterance)
    media_type = mimetypes.guess_type(utterance)[0] or "application/octet-stream"
    return Response(audio, media_type=media_type, headers={"Cache-Control": "private"})
