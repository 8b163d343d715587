"""Request bodies of the management API, as typed models (unknown fields are ignored, as
Azure does; read-only fields a client echoes back are simply not read)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Reference(Body):
    self_: str = Field(alias="self", min_length=1)


class Common(Body):
    displayName: str = Field(min_length=1, max_length=512)
    description: str | None = None
    customProperties: dict[str, str] | None = None
    project: Reference | None = None


class CommonUpdate(Body):
    displayName: str | None = Field(default=None, min_length=1, max_length=512)
    description: str | None = None
    customProperties: dict[str, str] | None = None
    project: Reference | None = None


class ProjectCreate(Common):
    locale: str
    foundryProjectName: str | None = None


class ProjectUpdate(CommonUpdate):
    foundryProjectName: str | None = None


class DatasetCreate(Common):
    locale: str
    kind: str
    contentUrl: str | None = None


class ModelProperties(Body):
    customModelWeightPercent: int | None = Field(default=None, ge=1, le=100)


class ModelCreate(Common):
    locale: str
    baseModel: Reference | None = None
    datasets: list[Reference] = Field(default_factory=list)
    text: str | None = None
    properties: ModelProperties | None = None


class EvaluationCreate(Common):
    locale: str
    model1: Reference
    model2: Reference
    dataset: Reference


class EndpointProperties(Body):
    loggingEnabled: bool | None = None
    contentLoggingEnabled: bool | None = None


class EndpointCreate(Common):
    locale: str
    model: Reference
    properties: EndpointProperties | None = None


class EndpointUpdate(CommonUpdate):
    model: Reference | None = None
    properties: EndpointProperties | None = None


# The spec's enums: a misspelt mode is refused with 400, not silently ignored.
PunctuationMode = Literal["None", "Dictated", "Automatic", "DictatedAndAutomatic"]
ProfanityFilterMode = Literal["None", "Removed", "Tags", "Masked"]


class TranscriptionProperties(Body):
    wordLevelTimestampsEnabled: bool | None = None
    displayFormWordLevelTimestampsEnabled: bool | None = None
    channels: list[int] | None = None
    punctuationMode: PunctuationMode | None = None
    profanityFilterMode: ProfanityFilterMode | None = None
    timeToLiveHours: int = Field(default=48, ge=6, le=744)


class TranscriptionCreate(Common):
    locale: str
    contentUrls: list[str] | None = Field(default=None, max_length=1000)
    contentContainerUrl: str | None = None
    dataset: Reference | None = None
    model: Reference | None = None
    properties: TranscriptionProperties = Field(default_factory=TranscriptionProperties)


class WebHookProperties(Body):
    secret: str | None = None


class WebHookCreate(Common):
    webUrl: str = Field(min_length=1)
    events: dict[str, bool]
    properties: WebHookProperties | None = None


class WebHookUpdate(CommonUpdate):
    webUrl: str | None = None
    events: dict[str, bool] | None = None
    properties: WebHookProperties | None = None


class CommitBlock(Body):
    kind: str = "Latest"
    id: str


class CopyAuthorizationRequest(Body):
    sourceResourceId: str = Field(min_length=1)


class CopyAuthorization(Body):
    targetResourceRegion: str
    targetResourceId: str
    targetResourceEndpoint: str
    sourceResourceId: str
    expirationDateTime: str
    id: str


class ModelUpdate(CommonUpdate):
    pass


class DatasetUpdate(CommonUpdate):
    pass


class EvaluationUpdate(CommonUpdate):
    pass


class TranscriptionUpdate(CommonUpdate):
    pass




class PhraseList(Body):
    phrases: list[str] = Field(default_factory=list)
    biasingWeight: float | None = None


class EnhancedMode(Body):
    enabled: bool = False
    task: str | None = None
    targetLanguage: str | None = None
    prompt: list[str] | None = None


class TranscribeDefinition(Body):
    locales: list[str] | None = None
    audioUrl: str | None = None
    models: dict[str, str] | None = None
    profanityFilterMode: ProfanityFilterMode | None = None
    channels: list[int] | None = None
    diarization: dict[str, Any] | None = None
    phraseList: PhraseList | None = None
    enhancedMode: EnhancedMode | None = None
