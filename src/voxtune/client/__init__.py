"""A typed Python client for the voxtune (Azure Speech-to-text 2025-10-15 compatible) API.

    from voxtune.client import VoxtuneClient
    with VoxtuneClient("http://127.0.0.1:8080", key) as client:
        dataset = client.datasets.upload(Path("train.zip"), "an4", "en-US", "Acoustic")
        dataset = client.datasets.wait(dataset.id)

Errors are the voxtune.errors hierarchy (NotFoundError, ConflictError, AuthError, ...), built
from the API's Error JSON: `code`, `innerError.code` (as `inner_code`) and the HTTP status.
"""

from __future__ import annotations

from types import TracebackType

import httpx

from voxtune.client._transport import API_VERSION, Transport, error_from_response
from voxtune.client.collections import (
    BaseModels,
    Collection,
    Datasets,
    Endpoints,
    Evaluations,
    Models,
    Projects,
    Transcriptions,
    WebHooks,
)
from voxtune.client.models import (
    BaseModelInfo,
    CopyAuthorization,
    CustomModel,
    Dataset,
    Endpoint,
    Entity,
    Evaluation,
    File,
    Operation,
    Project,
    TranscribeResult,
    Transcription,
    UploadedBlocks,
    WebHook,
)

DEFAULT_SERVER = "http://127.0.0.1:8080"


class VoxtuneClient:
    """One server, one key; a collection per entity kind."""

    def __init__(
        self,
        base_url: str = DEFAULT_SERVER,
        key: str | None = None,
        *,
        api_version: str = API_VERSION,
        timeout_s: float = 60.0,
        http: httpx.Client | None = None,
    ) -> None:
        self.transport = Transport(
            base_url, key, api_version=api_version, timeout_s=timeout_s, http=http
        )
        self.projects = Projects(self.transport)
        self.datasets = Datasets(self.transport)
        self.base_models = BaseModels(self.transport)
        self.models = Models(self.transport)
        self.evaluations = Evaluations(self.transport)
        self.endpoints = Endpoints(self.transport)
        self.transcriptions = Transcriptions(self.transport)
        self.webhooks = WebHooks(self.transport)

    def health(self) -> bool:
        try:
            return httpx.get(f"{self.transport.base_url}/health", timeout=10).status_code == 200
        except httpx.HTTPError:
            return False

    def resource_id(self) -> str:
        """This server's resource id: the `sourceResourceId` a target authorizes copies from."""
        body = self.transport.json("GET", f"{self.transport.base_url}/voxtune/resource")
        return str(body["resourceId"])

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> VoxtuneClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


__all__ = [
    "BaseModelInfo",
    "Collection",
    "CopyAuthorization",
    "CustomModel",
    "Dataset",
    "Endpoint",
    "Entity",
    "Evaluation",
    "File",
    "Operation",
    "Project",
    "TranscribeResult",
    "Transcription",
    "UploadedBlocks",
    "VoxtuneClient",
    "WebHook",
    "error_from_response",
]
