"""Records rendered as the Azure Speech-to-text JSON objects, with absolute links.

`Links` carries what a rendering needs from the request: the base URL the client used (scheme,
host and any path prefix) and the api-version it asked for, so links lead back the same way.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from voxtune.service.security import sign_path
from voxtune.store.records import Entity, FileRecord

API_VERSION = "2025-10-15"
# The en-US sphinx model's id: what records from before models named their base were
# trained from (it is no longer the default; see default_base_model_id)
BASE_MODEL_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "voxtune:base-model:en-US:pocketsphinx"))
# the conversation-mode recognition path: short audio (POST) and the WebSocket (GET)
RECOGNITION_PATH = "/speech/recognition/conversation/cognitiveservices/v1"


@dataclass(frozen=True)
class BaseModelEntry:
    """One base model in one locale, as Azure lists them (a multilingual model once per
    locale it serves)."""

    id: str
    name: str  # the engine registry's name
    locale: str


    @property
    def location(self) -> str:
        """What load_bundle takes: the model in this locale ("whisper-base@de-DE")."""
        from voxtune.engine import base_model

        return base_model(self.name).location(self.locale)


def base_model_id(name: str, locale: str) -> str:
    # the sphinx model keeps the id it has always had
    key = "pocketsphinx" if name == "sphinx-en-us" else name
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"voxtune:base-model:{locale}:{key}"))


def default_base_model_id(locale: str) -> str:
    """The base model `locale` gets when a request names none (engine/registry.py decides)."""
    from voxtune.engine.registry import default_base_model

    model = default_base_model(locale)
    return base_model_id(model.name, model.resolve_locale(locale))


def base_model_entries() -> dict[str, BaseModelEntry]:
    from voxtune.engine import available_base_models

    return {
        entry.id: entry
        for model in available_base_models()
        for locale in model.locales
        if (entry := BaseModelEntry(base_model_id(model.name, locale), model.name, locale))
    }


BASE_MODEL_CREATED = datetime(2025, 1, 1)


def supported_locales() -> tuple[str, ...]:
    """Every locale an installed base model serves, in the registry's order (en-US first)."""
    return tuple(dict.fromkeys(entry.locale for entry in base_model_entries().values()))


_REFERENCE = re.compile(
    r"/(?P<table>projects|datasets|models/base|models|evaluations|endpoints|transcriptions)"
    r"/(?P<id>[0-9a-fA-F-]{36})(?:[/?#]|$)"
)


def iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def parse_reference(url: str) -> tuple[str, str] | None:
    """("models/base" | "models" | "datasets" ..., id) named by an entity's self URL."""
    match = _REFERENCE.search(url)
    return (match.group("table"), match.group("id").lower()) if match else None


@dataclass(frozen=True)
class Links:
    base_url: str  # e.g. "http://127.0.0.1:8080" or "https://host/prefix", no trailing slash
    api_version: str = API_VERSION
    secret: bytes = b""
    link_ttl_s: int = 12 * 3600

    def url(self, path: str, **query: str | int) -> str:
        extra = "".join(f"&{key}={value}" for key, value in query.items())
        return f"{self.base_url}/speechtotext/{path}?api-version={self.api_version}{extra}"

    def ref(self, path: str) -> dict[str, str]:
        return {"self": self.url(path)}

    def content_url(self, record: FileRecord) -> str:
        path = f"/files/{record.id}/{record.name.rsplit('/', 1)[-1]}"
        return self.base_url + sign_path(self.secret, path, self.link_ttl_s)


def _common(entity: Entity, links: Links, path: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "self": links.url(path),
        "displayName": entity.display_name,
        "locale": entity.locale,
        "createdDateTime": iso(entity.created_at),
        "lastActionDateTime": iso(entity.last_action_at),
        "status": entity.status,
        "customProperties": entity.custom_properties,
    }
    if entity.description:
        body["description"] = entity.description
    if entity.project_id:
        body["project"] = links.ref(f"projects/{entity.project_id}")
    return body


def project_json(entity: Entity, links: Links) -> dict[str, Any]:
    path = f"projects/{entity.id}"
    body = _common(entity, links, path)
    for key in ("status", "lastActionDateTime"):
        body.pop(key)
    body["links"] = {
        name: links.url(f"{path}/{name}")
        for name in ("evaluations", "datasets", "models", "endpoints", "transcriptions")
    }
    if entity.attrs.get("foundryProjectName"):
        body["foundryProjectName"] = entity.attrs["foundryProjectName"]
    return body


def dataset_json(entity: Entity, links: Links) -> dict[str, Any]:
    path = f"datasets/{entity.id}"
    body = _common(entity, links, path)
    body["kind"] = entity.refs["kind"]
    body["properties"] = entity.properties
    body["links"] = {"files": links.url(f"{path}/files")}
    if entity.attrs.get("upload") == "blocks":
        body["links"].update(
            commitBlocks=links.url(f"{path}/blocks:commit"),
            listBlocks=links.url(f"{path}/blocks"),
            uploadBlocks=links.url(f"{path}/blocks"),
        )
    if entity.attrs.get("contentUrl"):
        body["contentUrl"] = entity.attrs["contentUrl"]
    return body


def model_reference(links: Links, model_id: str) -> dict[str, str]:
    if model_id == BASE_MODEL_ID or model_id in base_model_entries():
        return links.ref(f"models/base/{model_id}")
    return links.ref(f"models/{model_id}")


def base_model_json(links: Links, model_id: str = BASE_MODEL_ID) -> dict[str, Any]:
    from voxtune.engine import base_model

    entry = base_model_entries()[model_id]
    model = base_model(entry.name)
    path = f"models/base/{model_id}"
    return {
        "self": links.url(path),
        "displayName": f"{entry.locale} {model.display_name}",
        "description": model.description,
        "locale": entry.locale,
        "createdDateTime": iso(BASE_MODEL_CREATED),
        "lastActionDateTime": iso(BASE_MODEL_CREATED),
        "status": "Succeeded",
        "links": {"manifest": links.url(f"{path}/manifest")},
        "properties": {
            "deprecationDates": {
                "adaptationDateTime": "2099-12-31T00:00:00Z",
                "transcriptionDateTime": "2099-12-31T00:00:00Z",
            },
            "features": {
                "supportsAdaptationsWith": list(model.adapts_with),
                "supportsTranscriptionsSubmit": True,
                "supportsTranscriptionsTranscribe": True,
                "supportsEndpoints": True,
                "supportsTranscriptionsOnSpeechContainers": False,
                "supportedOutputFormats": ["Lexical"],
            },
            "chargeForAdaptation": False,
            "engine": model.engine,
            "baseModelName": model.name,
            # what a request in this locale that names no model gets (voxtune's own field)
            "defaultForLocale": model_id == default_base_model_id(entry.locale),
        },
    }


def custom_model_json(entity: Entity, links: Links) -> dict[str, Any]:
    path = f"models/{entity.id}"
    body = _common(entity, links, path)
    body["baseModel"] = model_reference(links, entity.refs.get("base_model_id") or BASE_MODEL_ID)
    body["datasets"] = [links.ref(f"datasets/{i}") for i in entity.attrs.get("datasets", [])]
    body["links"] = {
        "manifest": links.url(f"{path}/manifest"),
        "copy": links.url(f"{path}:copy"),
        "files": links.url(f"{path}/files"),
    }
    body["properties"] = {
        "deprecationDates": {"transcriptionDateTime": "2099-12-31T00:00:00Z"},
        "features": {
            "supportsTranscriptionsSubmit": True,
            "supportsEndpoints": True,
            "supportsTranscriptionsOnSpeechContainers": False,
            "supportedOutputFormats": ["Lexical"],
        },
        **entity.properties,
    }
    return body


def evaluation_json(entity: Entity, links: Links) -> dict[str, Any]:
    path = f"evaluations/{entity.id}"
    body = _common(entity, links, path)
    body["model1"] = model_reference(links, str(entity.refs["model1_id"]))
    body["model2"] = model_reference(links, str(entity.refs["model2_id"]))
    body["dataset"] = links.ref(f"datasets/{entity.refs['dataset_id']}")
    body["links"] = {"files": links.url(f"{path}/files")}
    body["properties"] = entity.properties
    return body


def endpoint_json(entity: Entity, links: Links) -> dict[str, Any]:
    body = _common(entity, links, f"endpoints/{entity.id}")
    body["model"] = model_reference(links, str(entity.refs["model_id"]))
    socket_base = links.base_url.replace("https://", "wss://").replace("http://", "ws://")
    body["links"] = {"webSocket": f"{socket_base}{RECOGNITION_PATH}?cid={entity.id}"}
    body["properties"] = {
        "loggingEnabled": bool(entity.attrs.get("loggingEnabled")),
        **entity.properties,
    }
    return body


def transcription_json(entity: Entity, links: Links) -> dict[str, Any]:
    path = f"transcriptions/{entity.id}"
    body = _common(entity, links, path)
    if entity.refs.get("model_id"):
        body["model"] = model_reference(links, str(entity.refs["model_id"]))
    if entity.refs.get("dataset_id"):
        body["dataset"] = links.ref(f"datasets/{entity.refs['dataset_id']}")
    if entity.attrs.get("contentUrls"):
        body["contentUrls"] = entity.attrs["contentUrls"]
    body["links"] = {"files": links.url(f"{path}/files")}
    body["properties"] = entity.properties
    return body


def webhook_json(entity: Entity, links: Links) -> dict[str, Any]:
    path = f"webhooks/{entity.id}"
    body = _common(entity, links, path)
    body.pop("locale")
    body["webUrl"] = entity.attrs["webUrl"]
    body["events"] = entity.attrs["events"]
    body["links"] = {"test": links.url(f"{path}:test"), "ping": links.url(f"{path}:ping")}
    body["properties"] = {"apiVersion": links.api_version, **entity.properties}
    return body


def file_json(record: FileRecord, links: Links, owner_path: str) -> dict[str, Any]:
    properties: dict[str, int] = {"size": record.size}
    if record.duration_ms is not None:
        properties["durationMilliseconds"] = record.duration_ms
    return {
        "self": links.url(f"{owner_path}/files/{record.id}"),
        "name": record.name,
        "kind": record.kind,
        "links": {"contentUrl": links.content_url(record)},
        "properties": properties,
        "createdDateTime": iso(record.created_at),
    }


RENDERERS = {
    "projects": project_json,
    "datasets": dataset_json,
    "models": custom_model_json,
    "evaluations": evaluation_json,
    "endpoints": endpoint_json,
    "transcriptions": transcription_json,
    "webhooks": webhook_json,
}


def entity_json(entity: Entity, links: Links) -> dict[str, Any]:
    return RENDERERS[entity.table](entity, links)
