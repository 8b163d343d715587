"""Models: the bundled base model, and custom models trained from datasets by a job.

A custom model is published only when complete: the training job writes its bundle to a
staging directory, verifies it loads, renames it into place, and only then marks the model
Succeeded. Training itself is `train_bundle`, the one call into `voxtune.training`.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voxtune.engine import base_model
from voxtune.errors import ConflictError, InvalidInputError, NotFoundError
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.files import delete_owner_files, list_owner_files
from voxtune.service.schemas import ModelCreate, ModelUpdate, Reference
from voxtune.service.views import base_model_entries, default_base_model_id
from voxtune.store import records
from voxtune.store.records import Entity

TRAIN_JOB = "model.train"
BLOB_PREFIX = "models"
REPORT_FILE_KIND = "ModelReport"  # the training report the job stores, listed under /files
TRAINABLE_KINDS = {"Acoustic", "Language", "LanguageMarkdown", "Pronunciation", "OutputFormatting"}
ProgressCallback = Callable[[float], None]


def bundle_key(model_id: str) -> str:
    return f"{BLOB_PREFIX}/{model_id}/bundle"


def training_key(model_id: str) -> str:
    """Scratch space of a training attempt: the staging bundle and training's own temporary
    work directories beside it. A killed attempt leaves them here; the next one wipes them."""
    return f"{BLOB_PREFIX}/{model_id}/training"


def get_base_model(model_id: str) -> str:
    if model_id.lower() not in base_model_entries():
        raise NotFoundError(f"no base model with id {model_id}")
    return model_id.lower()


def resolve_model(services: Services, reference: Reference, *, deployable: bool = True) -> str:
    """The id of the model a reference names: the base model or a usable custom model."""
    table, model_id = entities.referenced_id(reference, ("models", "models/base"), "model")
    if table == "models/base" or model_id in base_model_entries():
        try:
            return get_base_model(model_id)
        except NotFoundError as error:
            raise InvalidInputError(str(error), inner_code="InvalidBaseModel") from error
    try:
        model = entities.get(services, "models", model_id)
    except NotFoundError as error:
        raise InvalidInputError(str(error), inner_code="InvalidModel") from error
    if deployable and model.status != "Succeeded":
        raise InvalidInputError(
            f"model {model_id} is {model.status}; only a Succeeded model can be used",
            inner_code="ModelNotDeployable",
        )
    return model.id


def model_locale(services: Services, model_id: str) -> str:
    """The locale a model (base or custom, by the id resolve_model gives) recognizes."""
    entry = base_model_entries().get(model_id)
    return entry.locale if entry is not None else entities.get(services, "models", model_id).locale


def bundle_location(services: Services, model_id: str) -> str:
    """What `load_bundle` takes for this model: a base model in its locale
    ("whisper-base@de-DE") or the bundle directory."""
    entry = base_model_entries().get(model_id)
    if entry is not None:
        return entry.location
    return str(services.blobs.local_path(bundle_key(model_id)))


def _training_datasets(
    services: Services, references: list[Reference], locale: str, kinds: tuple[str, ...]
) -> list[str]:
    """The ids of the referenced datasets; each must be Succeeded, of a kind the base model
    adapts with (`kinds`) and of the model's locale."""
    ids = []
    for reference in references:
        _, dataset_id = entities.referenced_id(reference, ("datasets",), "dataset")
        try:
            dataset = entities.get(services, "datasets", dataset_id)
        except NotFoundError as error:
            raise InvalidInputError(str(error), inner_code="InvalidDataset") from error
        kind = dataset.refs["kind"]
        if dataset.status != "Succeeded" or kind not in TRAINABLE_KINDS or kind not in kinds:
            raise InvalidInputError(
                f"dataset {dataset.id} ({dataset.refs['kind']}, {dataset.status}) cannot be "
                "used for training",
                inner_code="InvalidDataset",
            )
        if dataset.locale != locale:
            raise InvalidInputError(
                f"dataset {dataset.id} is {dataset.locale}, not {locale}",
                inner_code="InvalidLocale",
            )
        ids.append(dataset.id)
    return ids


def create_model(services: Services, body: ModelCreate) -> Entity:
    locale = entities.check_locale(body.locale)
    base_id = (
        resolve_model(services, body.baseModel) if body.baseModel else default_base_model_id(locale)
    )
    base = base_model_entries().get(base_id)
    if base is None:
        raise InvalidInputError(
            "a custom model is trained from a base model", inner_code="InvalidBaseModel"
        )
    if locale not in base_model(base.name).locales:
        raise InvalidInputError(
            f"base model {base.name} does not serve {locale}", inner_code="InvalidLocale"
        )
    adapts_with = base_model(base.name).adapts_with
    dataset_ids = _training_datasets(services, body.datasets, locale, adapts_with)
    if not dataset_ids and not body.text:
        raise InvalidInputError("a model needs datasets or text", inner_code="InvalidDataset")
    properties: dict[str, Any] = {}
    if body.properties and body.properties.customModelWeightPercent is not None:
        properties["customModelWeightPercent"] = body.properties.customModelWeightPercent
    entity = Entity(
        table="models",
        id=str(uuid.uuid4()),
        display_name=body.displayName,
        description=body.description or "",
        locale=locale,
        project_id=entities.project_id(services, body.project),
        custom_properties=body.customProperties or {},
        properties=properties,
        attrs={"datasets": dataset_ids, "text": body.text or ""},
        refs={"base_model_id": base_id},
    )
    with services.database.begin() as connection:
        records.insert_entity(connection, entity)
        records.link_model_datasets(connection, entity.id, dataset_ids)
    services.queue.enqueue(TRAIN_JOB, entity.id)
    webhooks.notify(services, "modelCreation", entity)
    return entity


def training_report(services: Services, model_id: str) -> dict[str, Any] | None:
    """The training report the job stored (the engine's report as JSON: TrainingReport or
    WhisperTrainingReport); None before training succeeded."""
    entity = entities.get(services, "models", model_id)
    for record in list_owner_files(services, entity.id):
        if record.kind == REPORT_FILE_KIND:
            report: dict[str, Any] = json.loads(services.blobs.read_bytes(record.blob_key))
            return report
    return None


def update_model(services: Services, model_id: str, body: ModelUpdate) -> Entity:
    entity = entities.get(services, "models", model_id)
    return entities.save(services, entities.apply_common_update(services, entity, body))


def delete_model(services: Services, model_id: str) -> None:
    entity = entities.get(services, "models", model_id)
    with services.database.begin() as connection:
        users = records.count_references(connection, "endpoints", "model_id", entity.id)
        for column in ("model1_id", "model2_id"):
            users += records.count_references(connection, "evaluations", column, entity.id)
        users += records.count_references(connection, "transcriptions", "model_id", entity.id)
        if users:
            raise ConflictError(
                f"the model is used by {users} endpoint(s), evaluation(s) or transcription(s)"
            )
        records.delete_entity(connection, "models", entity.id)
        records.unlink_model_datasets(connection, entity.id)
    delete_owner_files(services, entity.id, BLOB_PREFIX)
    webhooks.notify(services, "modelDeletion", entity)


def train_bundle(
    base: str,
    locale: str,
    datasets: list[tuple[str, Path]],
    text: str,
    weight_percent: int | None,
    output_dir: Path,
    on_progress: ProgressCallback,
    checkpoint_dir: Path | None = None,
) -> dict[str, Any]:
    """The one call into training: write a bundle into `output_dir` (empty or missing) and
    return the training report. `datasets` are (Azure kind, path), all of the model's
    `locale` (create_model checked)."""
    from voxtune.training import TrainingInputs, TrainingOptions, train

    by_kind: dict[str, list[Path]] = {}
    for kind, path in datasets:
        by_kind.setdefault(kind, []).append(path)
    unusable = set(by_kind) - _TRAINABLE_KINDS
    if unusable:
        raise InvalidInputError(
            f"datasets of kind {', '.join(sorted(unusable))} cannot be used for training",
            inner_code="InvalidDataset",
        )
    inputs = TrainingInputs(
        acoustic=by_kind.get("Acoustic", []),
        text=by_kind.get("Language", []),
        markdown=by_kind.get("LanguageMarkdown", []),
        pronunciation=by_kind.get("Pronunciation", []),
        formatting=by_kind.get("OutputFormatting", []),
        inline_text=[line for line in text.splitlines() if line.strip()],
    )
    options = TrainingOptions(
        weight_percent=weight_percent, locale=locale, checkpoint_dir=checkpoint_dir
    )
    trained = train(base, inputs, output_dir, options, lambda _, fraction: on_progress(fraction))
    return trained.report.to_json()


_TRAINABLE_KINDS = {"Acoustic", "Language", "LanguageMarkdown", "Pronunciation", "OutputFormatting"}


def checkpoint_dir(services: Services, model_id: str) -> Path:
    """Where a fine-tuning keeps its checkpoints: outside the attempt's scratch space, so the
    next attempt after a killed one resumes instead of starting over."""
    return services.blobs.local_path(f"{BLOB_PREFIX}/{model_id}/checkpoints")


def fresh_training_dir(services: Services, model_id: str) -> Path:
    """An empty scratch directory for a training attempt (what an earlier, killed attempt
    left there is removed first); the bundle is to be written to its `bundle` child."""
    scratch = services.blobs.local_path(training_key(model_id))
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    return scratch


def publish_bundle(services: Services, model_id: str, staging: Path) -> Path:
    """Move a verified bundle into place (a rename: readers see all of it or nothing)."""
    from voxtune.engine import load_bundle

    load_bundle(staging)  # raises ModelError if incomplete
    target = services.blobs.local_path(bundle_key(model_id))
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return target
