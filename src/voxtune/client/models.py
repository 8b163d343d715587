"""Typed answers of the Speech-to-text API. Field names are snake_case; the JSON names
(camelCase, `self`, `@nextLink`) are their aliases. Fields a server may add are kept."""

from __future__ import annotations

import re
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

_ID = re.compile(r"/([0-9a-fA-F-]{36})(?:[/?:#]|$)")
TERMINAL_STATUSES = ("Succeeded", "Failed")


def id_of(url: str) -> str:
    """The entity id in a `self` URL (the last UUID in its path)."""
    found = _ID.findall(url.split("?", 1)[0] + "?")
    return found[-1].lower() if found else url


class ApiModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class Reference(ApiModel):
    self_url: str = Field(alias="self")

    @property
    def id(self) -> str:
        return id_of(self.self_url)


class EntityError(ApiModel):
    code: str = ""
    message: str = ""


class Entity(ApiModel):
    """What every entity has: its URL, name, status and free-form properties."""

    self_url: str = Field(alias="self")
    display_name: str = ""
    description: str | None = None
    locale: str | None = None
    status: str | None = None
    created_date_time: str | None = None
    last_action_date_time: str | None = None
    custom_properties: dict[str, str] = Field(default_factory=dict)
    project: Reference | None = None
    links: dict[str, str] = Field(default_factory=dict)
    properties: dict[str, Any] = Field(default_factory=dict)

    @property
    def id(self) -> str:
        return id_of(self.self_url)

    @property
    def done(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def error(self) -> EntityError | None:
        error = self.properties.get("error")
        return EntityError.model_validate(error) if isinstance(error, dict) else None


class Project(Entity):
    pass


class Dataset(Entity):
    kind: str = ""
    content_url: str | None = None


class BaseModelInfo(Entity):
    pass


class CustomModel(Entity):
    base_model: Reference | None = None
    datasets: list[Reference] = Field(default_factory=list)


class Evaluation(Entity):
    model1: Reference | None = None
    model2: Reference | None = None
    dataset: Reference | None = None


class Endpoint(Entity):
    model: Reference | None = None


class Transcription(Entity):
    model: Reference | None = None
    dataset: Reference | None = None
    content_urls: list[str] | None = None


class WebHook(Entity):
    web_url: str = ""
    events: dict[str, bool] = Field(default_factory=dict)


class File(ApiModel):
    self_url: str = Field(alias="self")
    name: str
    kind: str
    links: dict[str, str] = Field(default_factory=dict)
    properties: dict[str, Any] = Field(default_factory=dict)
    created_date_time: str | None = None

    @property
    def id(self) -> str:
        return id_of(self.self_url)

    @property
    def content_url(self) -> str:
        return self.links["contentUrl"]


class Block(ApiModel):
    name: str
    size: int


class UploadedBlocks(ApiModel):
    committed_blocks: list[Block] = Field(default_factory=list)
    uncommitted_blocks: list[Block] = Field(default_factory=list)


class ModelManifest(ApiModel):
    model: Reference
    model_files: list[dict[str, Any]] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)


class CopyAuthorization(ApiModel):
    id: str
    source_resource_id: str
    target_resource_id: str
    target_resource_region: str
    target_resource_endpoint: str
    expiration_date_time: str


class OperationResult(ApiModel):
    link: str | None = None


class Operation(ApiModel):
    id: str
    self_url: str | None = Field(default=None, alias="self")
    status: str | None = None
    created_date_time: str | None = None
    last_action_date_time: str | None = None
    result: OperationResult | None = None
    error: EntityError | None = None

    @property
    def done(self) -> bool:
        return self.status in TERMINAL_STATUSES


class TranscribedWord(ApiModel):
    text: str
    offset_milliseconds: int
    duration_milliseconds: int


class TranscribedPhrase(ApiModel):
    text: str
    offset_milliseconds: int
    duration_milliseconds: int
    confidence: float
    locale: str | None = None
    words: list[TranscribedWord] = Field(default_factory=list)


class CombinedPhrase(ApiModel):
    text: str
    channel: int | None = None


class TranscribeResult(ApiModel):
    duration_milliseconds: int
    combined_phrases: list[CombinedPhrase]
    phrases: list[TranscribedPhrase]

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.combined_phrases if p.text)


T = TypeVar("T", bound=BaseModel)


class Page(ApiModel, Generic[T]):
    values: list[T]
    next_link: str | None = Field(default=None, alias="@nextLink")
