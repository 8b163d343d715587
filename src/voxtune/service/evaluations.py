"""Evaluations: model1 vs model2 on an Acoustic dataset, run by a job; on an AudioFiles
dataset (audio without transcripts) the job only transcribes, for inspecting quality."""

from __future__ import annotations

import json
import uuid
from typing import Any

from voxtune.errors import InvalidInputError, NotFoundError
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.datasets import content_key
from voxtune.service.files import delete_owner_files, list_owner_files
from voxtune.service.models import model_locale, resolve_model
from voxtune.service.schemas import EvaluationCreate, EvaluationUpdate
from voxtune.store import records
from voxtune.store.records import Entity

EVALUATE_JOB = "evaluation.run"
BLOB_PREFIX = "evaluations"
DETAILS_FILE_KIND = "EvaluationDetails"  # one file per utterance, written by the job
# Acoustic: accuracy (WER against the transcripts); AudioFiles: quality inspection
EVALUATION_KINDS = ("Acoustic", "AudioFiles")


def acoustic_dataset(services: Services, dataset_id: str, kinds: tuple[str, ...]) -> Entity:
    try:
        dataset = entities.get(services, "datasets", dataset_id)
    except NotFoundError as error:
        raise InvalidInputError(str(error), inner_code="InvalidDataset") from error
    if dataset.refs["kind"] not in kinds or dataset.status != "Succeeded":
        raise InvalidInputError(
            f"dataset {dataset.id} is {dataset.refs['kind']} and {dataset.status}; "
            f"a Succeeded {' or '.join(kinds)} dataset is needed",
            inner_code="InvalidDataset",
        )
    return dataset


def create_evaluation(services: Services, body: EvaluationCreate) -> Entity:
    locale = entities.check_locale(body.locale)
    _, dataset_id = entities.referenced_id(body.dataset, ("datasets",), "dataset")
    dataset = acoustic_dataset(services, dataset_id, EVALUATION_KINDS)
    model_ids = (resolve_model(services, body.model1), resolve_model(services, body.model2))
    _check_locales(services, locale, dataset, model_ids)
    entity = Entity(
        table="evaluations",
        id=str(uuid.uuid4()),
        display_name=body.displayName,
        description=body.description or "",
        locale=locale,
        project_id=entities.project_id(services, body.project),
        custom_properties=body.customProperties or {},
        refs={
            "dataset_id": dataset.id,
            "model1_id": model_ids[0],
            "model2_id": model_ids[1],
        },
    )
    entities.insert(services, entity)
    services.queue.enqueue(EVALUATE_JOB, entity.id)
    webhooks.notify(services, "evaluationCreation", entity)
    return entity


def _check_locales(
    services: Services, locale: str, dataset: Entity, model_ids: tuple[str, str]
) -> None:
    """A de-DE dataset scored by an en-US model measures nothing: refused, as Azure does."""
    if dataset.locale.lower() != locale.lower():
        raise InvalidInputError(
            f"the dataset is {dataset.locale} but the evaluation is {locale}",
            inner_code="InvalidLocale",
        )
    for model_id in model_ids:
        if (model := model_locale(services, model_id)).lower() != locale.lower():
            raise InvalidInputError(
                f"model {model_id} recognizes {model}, not the evaluation's {locale}",
                inner_code="InvalidLocale",
            )


def update_evaluation(services: Services, evaluation_id: str, body: EvaluationUpdate) -> Entity:
    entity = entities.get(services, "evaluations", evaluation_id)
    return entities.save(services, entities.apply_common_update(services, entity, body))


def delete_evaluation(services: Services, evaluation_id: str) -> None:
    entity = entities.get(services, "evaluations", evaluation_id)
    with services.database.begin() as connection:
        records.delete_entity(connection, "evaluations", entity.id)
    delete_owner_files(services, entity.id, BLOB_PREFIX)
    webhooks.notify(services, "evaluationDeletion", entity)


def evaluation_details(services: Services, evaluation_id: str) -> list[dict[str, Any]]:
    """The per-utterance files the job wrote (alignment ops and counts per model, or only the
    transcripts of an inspection), in the dataset's order; empty before the job finished."""
    entity = entities.get(services, "evaluations", evaluation_id)
    return [
        json.loads(services.blobs.read_bytes(record.blob_key))
        for record in list_owner_files(services, entity.id)
        if record.kind == DETAILS_FILE_KIND
    ]


def utterance_audio(services: Services, evaluation_id: str, utterance: str) -> bytes:
    """The audio file of one utterance of the evaluation's dataset, read from its zip."""
    from voxtune.data import open_zip

    entity = entities.get(services, "evaluations", evaluation_id)
    dataset = entities.get(services, "datasets", str(entity.refs["dataset_id"]))
    with open_zip(services.blobs.local_path(content_key(dataset))) as archive:
        for member in archive.members:
            if member.name == utterance:
                return archive.read(member)
    raise NotFoundError(f"the dataset has no audio file {utterance!r}")
