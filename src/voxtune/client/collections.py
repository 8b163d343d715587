"""One class per entity collection of the API; each method is one operation."""

from __future__ import annotations

import base64
import builtins
import json
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from voxtune.client._transport import PROGRESS_HEADER, Transport
from voxtune.client.models import (
    BaseModelInfo,
    CopyAuthorization,
    CustomModel,
    Dataset,
    Endpoint,
    Entity,
    Evaluation,
    File,
    ModelManifest,
    Operation,
    Page,
    Project,
    TranscribeResult,
    Transcription,
    UploadedBlocks,
    WebHook,
)
from voxtune.errors import EngineError

E = TypeVar("E", bound=Entity)
ProgressCallback = Callable[[Entity, float | None], None]  # (latest entity, progress 0..1)
BLOCK_BYTES = 4 * 1024 * 1024  # under the server's 8 MiB block limit
DEFAULT_POLL_S = 1.0


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


class Collection(Generic[E]):
    """get, list, update, delete, files and wait: what every entity collection offers."""

    path: str = ""
    model: type[E]

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def ref(self, id_or_url: str) -> dict[str, str]:
        """An EntityReference to an entity of this collection, from its id or URL."""
        if id_or_url.startswith(("http://", "https://")):
            return {"self": id_or_url}
        return {"self": self.transport.url(f"{self.path}/{id_or_url}")}

    def _url(self, id_or_url: str, suffix: str = "") -> str:
        base = self.ref(id_or_url)["self"].split("?", 1)[0]
        return base + suffix

    def get(self, id_or_url: str) -> E:
        return self.model.model_validate(self.transport.json("GET", self._url(id_or_url)))

    def get_with_progress(self, id_or_url: str) -> tuple[E, float | None]:
        response = self.transport.request("GET", self._url(id_or_url))
        progress = response.headers.get(PROGRESS_HEADER)
        return self.model.model_validate(response.json()), float(progress) if progress else None

    def pages(
        self, *, filter: str | None = None, top: int | None = None, skip: int | None = None
    ) -> Iterator[Page[E]]:
        params = _clean({"filter": filter, "top": top, "skip": skip})
        url: str | None = self.path
        while url is not None:
            page = Page[self.model].model_validate(  # type: ignore[name-defined]
                self.transport.json("GET", url, params=params)
            )
            yield page
            url, params = page.next_link, {}

    def list(self, *, filter: str | None = None, top: int | None = None) -> list[E]:
        """Every entity (all pages; `top` is the page size)."""
        return [item for page in self.pages(filter=filter, top=top) for item in page.values]

    def update(self, id_or_url: str, **fields: Any) -> E:
        body = _clean(fields)
        return self.model.model_validate(
            self.transport.json("PATCH", self._url(id_or_url), json=body)
        )

    def delete(self, id_or_url: str) -> None:
        self.transport.request("DELETE", self._url(id_or_url))

    def files(self, id_or_url: str) -> builtins.list[File]:
        url: str | None = self._url(id_or_url, "/files")
        found: builtins.list[File] = []
        while url is not None:
            page = Page[File].model_validate(self.transport.json("GET", url))
            found.extend(page.values)
            url = page.next_link
        return found

    def download(self, file: File) -> bytes:
        return self.transport.download(file.content_url)

    def wait(
        self,
        id_or_url: str,
        *,
        timeout_s: float = 3600.0,
        poll_s: float = DEFAULT_POLL_S,
        on_progress: ProgressCallback | None = None,
    ) -> E:
        """Poll until the entity is Succeeded or Failed; return it (check `.status`)."""
        deadline = time.monotonic() + timeout_s
        while True:
            entity, progress = self.get_with_progress(id_or_url)
            if on_progress is not None:
                on_progress(entity, progress)
            if entity.done:
                return entity
            if time.monotonic() > deadline:
                raise EngineError(f"{entity.self_url} is still {entity.status} after {timeout_s} s")
            time.sleep(poll_s)

    def _create(self, path: str, body: dict[str, Any]) -> E:
        return self.model.model_validate(self.transport.json("POST", path, json=_clean(body)))


def _common(
    display_name: str, locale: str | None, description: str | None, **more: Any
) -> dict[str, Any]:
    return {"displayName": display_name, "locale": locale, "description": description, **more}


class Projects(Collection[Project]):
    path = "projects"
    model = Project

    def create(self, display_name: str, locale: str, *, description: str | None = None) -> Project:
        return self._create(self.path, _common(display_name, locale, description))


class Datasets(Collection[Dataset]):
    path = "datasets"
    model = Dataset

    def create(
        self,
        display_name: str,
        locale: str,
        kind: str,
        *,
        content_url: str | None = None,
        description: str | None = None,
        project: str | None = None,
    ) -> Dataset:
        """From a contentUrl, or (without one) awaiting block uploads and a commit."""
        body = _common(display_name, locale, description, kind=kind, contentUrl=content_url)
        return self._create(self.path, _with_project(self.transport, body, project))

    def upload(
        self,
        path: Path,
        display_name: str,
        locale: str,
        kind: str,
        *,
        description: str | None = None,
        project: str | None = None,
    ) -> Dataset:
        """One multipart request (datasets:upload), the file streamed from disk."""
        fields = _clean({"displayName": display_name, "locale": locale, "kind": kind})
        if description:
            fields["description"] = description
        if project:
            fields["project"] = _with_project(self.transport, {}, project)["project"]["self"]
        with path.open("rb") as handle:
            body = self.transport.json(
                "POST",
                "datasets:upload",
                data=fields,
                files={"data": (path.name, handle, "application/octet-stream")},
            )
        return Dataset.model_validate(body)

    def put_block(self, id_or_url: str, block_id: str, data: bytes) -> None:
        self.transport.request(
            "PUT", self._url(id_or_url, "/blocks"), params={"blockid": block_id}, content=data
        )

    def blocks(self, id_or_url: str) -> UploadedBlocks:
        return UploadedBlocks.model_validate(
            self.transport.json("GET", self._url(id_or_url, "/blocks"))
        )

    def commit_blocks(self, id_or_url: str, block_ids: list[str]) -> None:
        body = [{"kind": "Latest", "id": block_id} for block_id in block_ids]
        self.transport.request("POST", self._url(id_or_url, "/blocks:commit"), json=body)

    def upload_blocks(
        self, path: Path, display_name: str, locale: str, kind: str, **options: Any
    ) -> Dataset:
        """Create a dataset, upload `path` in blocks, commit (the Azure way for large files)."""
        dataset = self.create(display_name, locale, kind, **options)
        block_ids: list[str] = []
        with path.open("rb") as handle:
            while chunk := handle.read(BLOCK_BYTES):
                block_id = base64.b64encode(f"voxtune-{len(block_ids):08d}".encode()).decode()
                self.put_block(dataset.id, block_id, chunk)
                block_ids.append(block_id)
        self.commit_blocks(dataset.id, block_ids)
        return self.get(dataset.id)


def _with_project(
    transport: Transport, body: dict[str, Any], project: str | None
) -> dict[str, Any]:
    if project:
        body["project"] = Projects(transport).ref(project)
    return body


class BaseModels(Collection[BaseModelInfo]):
    path = "models/base"
    model = BaseModelInfo

    def manifest(self, id_or_url: str) -> ModelManifest:
        return ModelManifest.model_validate(
            self.transport.json("GET", self._url(id_or_url, "/manifest"))
        )


class Models(Collection[CustomModel]):
    path = "models"
    model = CustomModel

    def model_ref(self, id_or_url: str) -> dict[str, str]:
        """A model reference; "base" names the server's (first) base model."""
        if id_or_url == "base":
            return {"self": BaseModels(self.transport).list(top=1)[0].self_url}
        return self.ref(id_or_url)

    def create(
        self,
        display_name: str,
        locale: str,
        *,
        datasets: Sequence[str] = (),
        text: str | None = None,
        base_model: str | None = None,
        weight_percent: int | None = None,
        description: str | None = None,
        project: str | None = None,
    ) -> CustomModel:
        body = _common(display_name, locale, description, text=text)
        body["datasets"] = [Datasets(self.transport).ref(d) for d in datasets]
        if base_model:
            body["baseModel"] = self.model_ref(base_model)
        if weight_percent is not None:
            body["properties"] = {"customModelWeightPercent": weight_percent}
        return self._create(self.path, _with_project(self.transport, body, project))

    def manifest(self, id_or_url: str) -> ModelManifest:
        return ModelManifest.model_validate(
            self.transport.json("GET", self._url(id_or_url, "/manifest"))
        )

    def authorize_copy(self, source_resource_id: str) -> CopyAuthorization:
        """On the target server: allow a copy from the source resource."""
        body = {"sourceResourceId": source_resource_id}
        return CopyAuthorization.model_validate(
            self.transport.json("POST", "models:authorizecopy", json=body)
        )

    def copy(self, id_or_url: str, authorization: CopyAuthorization) -> Operation:
        """On the source server: start copying a model to the authorization's target."""
        body = json.loads(authorization.model_dump_json(by_alias=True))
        return Operation.model_validate(
            self.transport.json("POST", self._url(id_or_url, ":copy"), json=body)
        )

    def copy_operation(self, id_or_url: str) -> Operation:
        url = id_or_url if "://" in id_or_url else f"operations/models/copy/{id_or_url}"
        return Operation.model_validate(self.transport.json("GET", url))

    def wait_copy(self, operation: Operation, *, timeout_s: float = 600.0) -> Operation:
        deadline = time.monotonic() + timeout_s
        while not operation.done:
            if time.monotonic() > deadline:
                raise EngineError(f"copy operation {operation.id} is still {operation.status}")
            time.sleep(DEFAULT_POLL_S / 2)
            operation = self.copy_operation(operation.self_url or operation.id)
        return operation


class Evaluations(Collection[Evaluation]):
    path = "evaluations"
    model = Evaluation

    def create(
        self,
        display_name: str,
        locale: str,
        *,
        model1: str,
        model2: str,
        dataset: str,
        description: str | None = None,
        project: str | None = None,
    ) -> Evaluation:
        models = Models(self.transport)
        body = _common(display_name, locale, description)
        body.update(
            model1=models.model_ref(model1),
            model2=models.model_ref(model2),
            dataset=Datasets(self.transport).ref(dataset),
        )
        return self._create(self.path, _with_project(self.transport, body, project))


class Endpoints(Collection[Endpoint]):
    path = "endpoints"
    model = Endpoint

    def create(
        self,
        display_name: str,
        locale: str,
        *,
        model: str,
        description: str | None = None,
        project: str | None = None,
    ) -> Endpoint:
        body = _common(display_name, locale, description)
        body["model"] = Models(self.transport).model_ref(model)
        return self._create(self.path, _with_project(self.transport, body, project))

    def change_model(self, id_or_url: str, model: str) -> Endpoint:
        return self.update(id_or_url, model=Models(self.transport).model_ref(model))


class Transcriptions(Collection[Transcription]):
    path = "transcriptions"
    model = Transcription

    def submit(
        self,
        display_name: str,
        locale: str,
        *,
        content_urls: list[str] | None = None,
        dataset: str | None = None,
        model: str | None = None,
        properties: dict[str, Any] | None = None,
        description: str | None = None,
        project: str | None = None,
    ) -> Transcription:
        body = _common(display_name, locale, description, contentUrls=content_urls)
        if dataset:
            body["dataset"] = Datasets(self.transport).ref(dataset)
        if model:
            body["model"] = Models(self.transport).model_ref(model)
        body["properties"] = properties or {}
        return self._create("transcriptions:submit", _with_project(self.transport, body, project))

    def transcribe(
        self,
        audio: Path | bytes,
        *,
        locales: tuple[str, ...] = ("en-US",),
        model: str | None = None,
    ) -> TranscribeResult:
        """Synchronous transcription of one file."""
        definition: dict[str, Any] = {"locales": list(locales)}
        if model:
            definition["models"] = {locales[0]: Models(self.transport).model_ref(model)["self"]}
        data = audio.read_bytes() if isinstance(audio, Path) else audio
        body = self.transport.json(
            "POST",
            "transcriptions:transcribe",
            data={"definition": json.dumps(definition)},
            files={"audio": ("audio", data, "application/octet-stream")},
        )
        return TranscribeResult.model_validate(body)


class WebHooks(Collection[WebHook]):
    path = "webhooks"
    model = WebHook

    def create(
        self,
        display_name: str,
        web_url: str,
        events: dict[str, bool],
        *,
        secret: str | None = None,
        description: str | None = None,
    ) -> WebHook:
        body = _common(display_name, None, description, webUrl=web_url, events=events)
        if secret:
            body["properties"] = {"secret": secret}
        return self._create(self.path, body)

    def ping(self, id_or_url: str) -> None:
        self.transport.request("POST", self._url(id_or_url, ":ping"))

    def test(self, id_or_url: str) -> None:
        self.transport.request("POST", self._url(id_or_url, ":test"))
