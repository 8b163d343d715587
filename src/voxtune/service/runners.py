"""What each job kind does. Each runner is idempotent: a retried job overwrites the same blob
keys and file ids, and the entity turns Succeeded only at the very end."""

from __future__ import annotations

import dataclasses
import functools
import shutil
from collections.abc import Callable
from typing import Any

from voxtune.errors import DatasetError, NotFoundError, VoxtuneError
from voxtune.jobs.kinds import JobContext, JobKind, KindsFactory
from voxtune.jobs.queue import Job
from voxtune.service import entities, webhooks
from voxtune.service.context import Services, open_services
from voxtune.service.copying import COPY_JOB, copy_model
from voxtune.service.datasets import BLOB_PREFIX as DATASETS
from voxtune.service.datasets import IMPORT_JOB, REPORT_FILE_KIND, content_key
from voxtune.service.evaluations import BLOB_PREFIX as EVALUATIONS
from voxtune.service.evaluations import DETAILS_FILE_KIND, EVALUATE_JOB
from voxtune.service.fetch import stream_url
from voxtune.service.files import add_file, add_json_file
from voxtune.service.job_steps import fetch_policy, finish, start
from voxtune.service.models import (
    BLOB_PREFIX as MODELS,
)
from voxtune.service.models import REPORT_FILE_KIND as MODEL_REPORT_KIND
from voxtune.service.models import (
    TRAIN_JOB,
    bundle_location,
    checkpoint_dir,
    fresh_training_dir,
    publish_bundle,
    train_bundle,
)
from voxtune.service.transcribe_job import run_transcription
from voxtune.service.transcriptions import TRANSCRIBE_JOB
from voxtune.service.views import BASE_MODEL_ID
from voxtune.settings import Settings
from voxtune.store.records import Entity

CONTENT_FILE_KINDS = {
    "Acoustic": "AcousticDataArchive",
    "AudioFiles": "AcousticDataArchive",
    "Language": "LanguageData",
    "LanguageMarkdown": "LanguageData",
    "Pronunciation": "PronunciationData",
    "OutputFormatting": "OutputFormattingData",
}


def failure_hook(services: Services, table: str) -> Any:
    def on_failed(job: Job, error: VoxtuneError) -> None:
        try:
            entity = entities.get(services, table, job.entity_id)
        except NotFoundError:
            return
        code = error.inner_code or error.code
        properties = {**entity.properties, "error": {"code": code, "message": error.message}}
        finish(services, entity, "Failed", properties)

    return on_failed


def import_dataset(services: Services, context: JobContext) -> None:
    from voxtune.data import DatasetKind, parse_dataset

    entity = start(services, "datasets", context.job.entity_id)
    if entity is None:
        return
    key = content_key(entity)
    if entity.attrs.get("contentUrl"):
        services.blobs.put_stream(
            key, stream_url(entity.attrs["contentUrl"], fetch_policy(services))
        )
    context.progress(0.2)
    kind = entity.refs["kind"] or ""
    report = parse_dataset(services.blobs.local_path(key), DatasetKind(kind), entity.locale).report
    add_json_file(
        services, entity.id, DATASETS, "report.json", REPORT_FILE_KIND, report.to_json()
    )
    duration_ms = round(report.audio_duration_s * 1000)
    add_file(
        services,
        entity.id,
        entity.attrs["fileName"],
        CONTENT_FILE_KINDS[kind],
        key,
        duration_ms if kind in ("Acoustic", "AudioFiles") else None,
    )
    properties: dict[str, Any] = {
        "acceptedLineCount": report.accepted,
        "rejectedLineCount": report.rejected,
        "textNormalizationKind": "Default",
    }
    if kind in ("Acoustic", "AudioFiles"):
        properties["durationMilliseconds"] = duration_ms
    if not report.usable:
        error = DatasetError("nothing in the dataset is usable; see the DatasetReport file")
        properties["error"] = {"code": error.inner_code, "message": error.message}
    finish(services, entity, "Succeeded" if report.usable else "Failed", properties)


@dataclasses.dataclass
class _EvaluationProgress:
    """Progress over the models of an evaluation, decoded one after the other. The callback
    names a model by its bundle name (two bundles may share one), so the next model is taken
    to start when the name changes or the count of decoded utterances drops."""

    models: int
    index: int = 0
    name: str = ""
    done: int = 0

    def fraction(self, model: str, done: int, total: int) -> float:
        if self.name and (model != self.name or done < self.done):
            self.index += 1
        self.name, self.done = model, done
        return min((self.index + done / max(total, 1)) / self.models, 1.0)


def evaluate(services: Services, context: JobContext) -> None:
    from voxtune.data import parse_acoustic
    from voxtune.evaluation import evaluate_dataset

    entity = start(services, "evaluations", context.job.entity_id)
    if entity is None:
        return
    dataset = entities.get(services, "datasets", str(entity.refs["dataset_id"]))
    models = [bundle_location(services, str(entity.refs[c])) for c in ("model1_id", "model2_id")]
    distinct = list(dict.fromkeys(models))  # the same model twice is decoded once
    progress = _EvaluationProgress(len(distinct))

    def on_progress(model: str, done: int, total: int) -> None:
        context.progress(progress.fraction(model, done, total))

    if dataset.refs["kind"] == "AudioFiles":
        _inspect(services, entity, dataset, models, on_progress)
        return
    result = evaluate_dataset(
        # in the dataset's locale: German transcripts are not scored with English rules
        parse_acoustic(services.blobs.local_path(content_key(dataset)), dataset.locale),
        distinct,
        jobs=services.settings.recognition_jobs,
        on_progress=on_progress,
    )
    by_model = dict(zip(distinct, result.models, strict=True))
    result = dataclasses.replace(result, models=tuple(by_model[m] for m in models))
    for index, utterance in enumerate(result.models[0].scores.utterances):
        details = {
            f"model{number}": {
                **evaluation.scores.utterances[index].to_json(),
                "display": evaluation.token_scores.utterances[index].to_json(),
            }
            for number, evaluation in enumerate(result.models, start=1)
        }
        add_json_file(
            services,
            entity.id,
            EVALUATIONS,
            f"{utterance.id}.json",
            DETAILS_FILE_KIND,
            {"utterance": utterance.id, **details},
        )
    finish(services, entity, "Succeeded", dict(result.azure_properties()))


def _inspect(
    services: Services,
    entity: Entity,
    dataset: Entity,
    models: list[str],
    on_progress: Callable[[str, int, int], None],
) -> None:
    """An evaluation on audio without transcripts: each model's transcript per file, no
    scores (the portal's "Inspect quality")."""
    from voxtune.data import parse_audio_files
    from voxtune.evaluation import inspect_audio_files

    distinct = list(dict.fromkeys(models))
    inspections = inspect_audio_files(
        parse_audio_files(services.blobs.local_path(content_key(dataset))),
        distinct,
        jobs=services.settings.recognition_jobs,
        on_progress=on_progress,
    )
    by_model = dict(zip(distinct, inspections, strict=True))
    chosen = [by_model[m] for m in models]
    for index, transcript in enumerate(chosen[0].transcripts):
        details = {
            f"model{number}": inspection.transcripts[index].to_json()
            for number, inspection in enumerate(chosen, start=1)
        }
        add_json_file(
            services,
            entity.id,
            EVALUATIONS,
            f"{transcript.utterance}.json",
            DETAILS_FILE_KIND,
            {"utterance": transcript.utterance, **details},
        )
    properties = {
        f"sentenceCount{number}": len(inspection.transcripts)
        for number, inspection in enumerate(chosen, start=1)
    }
    finish(services, entity, "Succeeded", properties)


def train(services: Services, context: JobContext) -> None:
    entity = start(services, "models", context.job.entity_id)
    if entity is None:
        return
    datasets = []
    for dataset_id in entity.attrs.get("datasets", []):
        dataset = entities.get(services, "datasets", dataset_id)
        path = services.blobs.local_path(content_key(dataset))
        datasets.append((str(dataset.refs["kind"]), path))
    scratch = fresh_training_dir(services, entity.id)
    staging = scratch / "bundle"
    checkpoints = checkpoint_dir(services, entity.id)
    report = train_bundle(
        bundle_location(services, str(entity.refs.get("base_model_id") or BASE_MODEL_ID)),
        entity.locale,
        datasets,
        entity.attrs.get("text", ""),
        entity.properties.get("customModelWeightPercent"),
        staging,
        context.progress,
        checkpoints,
    )
    publish_bundle(services, entity.id, staging)
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(checkpoints, ignore_errors=True)
    add_json_file(services, entity.id, MODELS, "report.json", MODEL_REPORT_KIND, report)
    finish(services, entity, "Succeeded", entity.properties)


def deliver_webhook(services: Services, context: JobContext) -> None:
    payload = context.job.payload
    try:
        webhooks.deliver(services, context.job.entity_id, payload["event"], payload["payload"])
    except NotFoundError:
        return


def validate_webhook(services: Services, context: JobContext) -> None:
    try:
        webhooks.run_validation(services, context.job.entity_id)
    except NotFoundError:
        return


def _ignore_failure(job: Job, error: VoxtuneError) -> None:
    """Deliveries that give up leave no trace on an entity."""


def job_kinds(services: Services) -> dict[str, JobKind]:
    def bound(function: Any) -> Any:
        return lambda context: function(services, context)

    def heavy(function: Any, table: str) -> JobKind:
        return JobKind(bound(function), failure_hook(services, table), isolated=True)

    return {
        IMPORT_JOB: heavy(import_dataset, "datasets"),
        EVALUATE_JOB: heavy(evaluate, "evaluations"),
        TRANSCRIBE_JOB: heavy(run_transcription, "transcriptions"),
        TRAIN_JOB: heavy(train, "models"),
        COPY_JOB: JobKind(bound(copy_model), _ignore_failure),
        webhooks.DELIVER_JOB: JobKind(bound(deliver_webhook), _ignore_failure),
        webhooks.VALIDATE_JOB: JobKind(bound(validate_webhook), _ignore_failure),
    }


def child_job_kinds(settings: Settings) -> dict[str, JobKind]:
    """The job kinds of a spawned job process, on services it opens itself."""
    return job_kinds(open_services(settings, migrate=False))


def child_kinds_factory(settings: Settings) -> KindsFactory:
    """What a worker pool spawns job processes with (picklable)."""
    return functools.partial(child_job_kinds, settings)
