"""Evaluations: model1 vs model2 on an Acoustic dataset, run by a job."""

from __future__ import annotations

import uuid

from voxtune.errors import InvalidInputError, NotFoundError
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.files import delete_owner_files
from voxtune.service.models import resolve_model
from voxtune.service.schemas import EvaluationCreate, EvaluationUpdate
from voxtune.store import records
from voxtune.store.records import Entity

EVALUATE_JOB = "evaluation.run"
BLOB_PREFIX = "evaluations"


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
    dataset = acoustic_dataset(services, dataset_id, ("Acoustic",))
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
            "model1_id": resolve_model(services, body.model1),
            "model2_id": resolve_model(services, body.model2),
        },
    )
    entities.insert(services, entity)
    services.queue.enqueue(EVALUATE_JOB, entity.id)
    webhooks.notify(services, "evaluationCreation", entity)
    return entity


def update_evaluation(services: Services, evaluation_id: str, body: EvaluationUpdate) -> Entity:
    entity = entities.get(services, "evaluations", evaluation_id)
    return entities.save(services, entities.apply_common_update(services, entity, body))


def delete_evaluation(services: Services, evaluation_id: str) -> None:
    entity = entities.get(services, "evaluations", evaluation_id)
    with services.database.begin() as connection:
        records.delete_entity(connection, "evaluations", entity.id)
    delete_owner_files(services, entity.id, BLOB_PREFIX)
    webhooks.notify(services, "evaluationDeletion", entity)
