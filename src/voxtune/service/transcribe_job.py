"""The batch transcription job: gather the audio, recognize it, write one result file per
input (Azure's result JSON) and the TranscriptionReport."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from voxtune.errors import VoxtuneError
from voxtune.jobs.kinds import JobContext
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.datasets import content_key
from voxtune.service.fetch import FetchPolicy, stream_url, url_file_name
from voxtune.service.files import add_json_file
from voxtune.service.job_steps import fetch_policy, finish, start
from voxtune.service.models import bundle_location
from voxtune.service.transcriptions import (
    BLOB_PREFIX,
    REPORT_FILE_KIND,
    RESULT_FILE_KIND,
    input_key,
)
from voxtune.store.records import Entity


def _url_items(
    services: Services, entity: Entity, policy: FetchPolicy
) -> Iterator[tuple[str, bytes | str]]:
    """(name, audio bytes) per contentUrl, or (name, error message) when it cannot be fetched."""
    for index, url in enumerate(entity.attrs["contentUrls"]):
        key = input_key(entity.id, index)
        try:
            services.blobs.put_stream(key, stream_url(url, policy))
            yield url, services.blobs.read_bytes(key)
        except VoxtuneError as error:
            yield url, error.message


def _uploaded_items(services: Services, entity: Entity) -> Iterator[tuple[str, bytes | str]]:
    """(name, audio bytes) per file uploaded with the submission (stored before it was queued)."""
    for index, name in enumerate(entity.attrs["uploads"]):
        yield name, services.blobs.read_bytes(input_key(entity.id, index))


def _dataset_items(services: Services, entity: Entity) -> Iterator[tuple[str, bytes | str]]:
    from voxtune.data import iter_audio, iter_audio_files, parse_acoustic, parse_audio_files

    dataset = entities.get(services, "datasets", str(entity.refs["dataset_id"]))
    path = services.blobs.local_path(content_key(dataset))
    if dataset.refs["kind"] == "Acoustic":
        for utterance, audio in iter_audio(parse_acoustic(path, dataset.locale)):
            yield utterance.name, audio
    else:
        for audio_file, audio in iter_audio_files(parse_audio_files(path)):
            yield audio_file.name, audio


def run_transcription(services: Services, context: JobContext) -> None:
    from voxtune.engine import load_bundle, recognize_items
    from voxtune.engine.azure_json import result_json
    from voxtune.engine.formatting import bundle_formatter
    from voxtune.engine.types import RecognitionResult
    from voxtune.text.display import DisplayOptions

    entity = start(services, "transcriptions", context.job.entity_id)
    if entity is None:
        return
    if entity.refs.get("dataset_id"):
        items = _dataset_items(services, entity)
    elif entity.attrs.get("uploads"):
        items = _uploaded_items(services, entity)
    else:
        items = _url_items(services, entity, fetch_policy(services))
    gathered = list(items)
    audio = [(name, data) for name, data in gathered if isinstance(data, bytes)]
    bundle = load_bundle(bundle_location(services, str(entity.refs["model_id"])))
    formatter = bundle_formatter(bundle)
    display = DisplayOptions(
        profanity=entity.properties.get("profanityFilterMode", "Masked"),
        punctuation=entity.properties.get("punctuationMode", "DictatedAndAutomatic"),
    )
    outcomes = recognize_items(
        audio,
        bundle,
        jobs=services.settings.recognition_jobs,
        on_progress=lambda done, total: context.progress(done / max(total, 1)),
    )
    details: list[dict[str, Any]] = [
        {"source": name, "status": "Failed", "errorKind": "DataImportFailed", "errorMessage": data}
        for name, data in gathered
        if isinstance(data, str)
    ]
    total_ticks = 0
    for index, ((name, _), outcome) in enumerate(zip(audio, outcomes, strict=True)):
        if isinstance(outcome, RecognitionResult):
            total_ticks += outcome.duration_ticks
            file_name = (
                f"contenturl_{index}.json"
                if entity.attrs["contentUrls"]
                else (f"{url_file_name('/' + name, str(index))}.json")
            )
            add_json_file(
                services,
                entity.id,
                BLOB_PREFIX,
                file_name,
                RESULT_FILE_KIND,
                result_json(outcome, name, formatter=formatter, options=display),
            )
            details.append({"source": name, "status": "Succeeded"})
        else:
            details.append(
                {
                    "source": name,
                    "status": "Failed",
                    "errorKind": "InvalidData",
                    "errorMessage": str(outcome),
                }
            )
    succeeded = sum(d["status"] == "Succeeded" for d in details)
    add_json_file(
        services,
        entity.id,
        BLOB_PREFIX,
        "report.json",
        REPORT_FILE_KIND,
        {
            "successfulTranscriptionsCount": succeeded,
            "failedTranscriptionsCount": len(details) - succeeded,
            "details": details,
        },
    )
    properties = {**entity.properties, "durationMilliseconds": total_ticks // 10_000}
    if succeeded == 0:
        properties["error"] = {"code": "InvalidData", "message": "no file could be transcribed"}
    finish(services, entity, "Succeeded" if succeeded else "Failed", properties)
    _ = webhooks
