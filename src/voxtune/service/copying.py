"""Copying a custom model from one voxtune server (source) to another (target).

    target: POST models:authorizecopy {sourceResourceId}  -> ModelCopyAuthorization
    source: POST models/{id}:copy  <authorization>        -> 202 Operation (a "model.copy" job)
    source job: POST {targetResourceEndpoint}/voxtune/copy/{authorization id}
                multipart: "model" (the model's JSON) + "bundle" (a tar of the bundle)
    target: verifies, publishes the bundle, creates the model with the authorization's id
    source: GET operations/models/copy/{job id} -> Operation, result.link = the target model

The authorization id is a random UUID the target hands out, valid once and until it expires;
it is the only credential the source needs at the target (as Azure's copy authorization).
As on Azure, an authorization names the one source resource it is for: the source refuses an
authorization made out to another resource, an expired one, or one whose target is itself,
and the target accepts the upload only from the resource it authorized. A server's resource
id (`GET /voxtune/resource`) is derived from its signing secret.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import httpx
from sqlalchemy import insert, select, update

from voxtune.errors import AuthError, DatasetError, InvalidInputError, NotFoundError
from voxtune.jobs.kinds import JobContext
from voxtune.service import entities, webhooks
from voxtune.service.context import Services
from voxtune.service.fetch import FetchPolicy, check_url
from voxtune.service.models import BLOB_PREFIX, bundle_key, publish_bundle
from voxtune.service.schemas import CopyAuthorization, CopyAuthorizationRequest
from voxtune.service.security import resource_id
from voxtune.service.views import BASE_MODEL_ID, Links, base_model_entries, base_model_id, iso
from voxtune.store.records import Entity, utc_now
from voxtune.store.tables import copy_authorizations

COPY_JOB = "model.copy"
IMPORT_PATH = "/voxtune/copy"  # + /{authorization id}: authenticated by the authorization
REGION = "local"  # voxtune servers have no Azure region
UPLOAD_TIMEOUT_S = 600.0
RETRY_AFTER_S = 2


def authorize_copy(
    services: Services, body: CopyAuthorizationRequest, links: Links
) -> dict[str, Any]:
    """On the target: allow one copy from `sourceResourceId`, until it expires."""
    now = utc_now()
    expires = now + timedelta(seconds=services.settings.copy_authorization_ttl_s)
    authorization_id = str(uuid.uuid4())
    with services.database.begin() as connection:
        connection.execute(
            insert(copy_authorizations).values(
                id=authorization_id,
                source_resource_id=body.sourceResourceId,
                created_at=now,
                expires_at=expires,
                model_id=None,
            )
        )
    return {
        "id": authorization_id,
        "sourceResourceId": body.sourceResourceId,
        "targetResourceId": resource_id(services.secret),
        "targetResourceRegion": REGION,
        "targetResourceEndpoint": links.base_url,
        "expirationDateTime": iso(expires),
    }


def start_copy(
    services: Services, model_id: str, authorization: CopyAuthorization, links: Links
) -> dict[str, Any]:
    """On the source: queue the copy of a Succeeded custom model; the Operation JSON."""
    model = entities.get(services, "models", model_id)
    if model.status != "Succeeded":
        raise InvalidInputError(
            f"model {model.id} is {model.status}; only a Succeeded model can be copied",
            inner_code="ModelNotDeployable",
        )
    check_authorization_for_source(services, authorization)
    check_url(authorization.targetResourceEndpoint, _policy(services))
    payload = {"authorization": authorization.model_dump(), "apiVersion": links.api_version}
    job_id = services.queue.enqueue(COPY_JOB, model.id, payload)
    return operation_json(services, job_id, links)


def same_resource(a: str, b: str) -> bool:
    """Resource ids compare case-insensitively (Azure Resource IDs do)."""
    return a.strip().casefold() == b.strip().casefold()


def check_authorization_for_source(services: Services, authorization: CopyAuthorization) -> None:
    """The source's checks of an authorization before it uploads anything."""
    own = resource_id(services.secret)
    if not same_resource(authorization.sourceResourceId, own):
        raise InvalidInputError(
            f"the copy authorization is for source resource {authorization.sourceResourceId!r},"
            f" not this resource ({own})",
            inner_code="InvalidSourceAzureResourceId",
        )
    if same_resource(authorization.targetResourceId, own):
        raise InvalidInputError(
            "the copy authorization's target is this resource itself",
            inner_code="InvalidSourceAzureResourceId",
        )
    expires = _parse_moment(authorization.expirationDateTime)
    if expires <= utc_now():
        raise InvalidInputError(
            f"the copy authorization expired at {authorization.expirationDateTime}",
            inner_code="ModelCopyAuthorizationExpired",
        )


def _parse_moment(text: str) -> datetime:
    """An ISO 8601 date-time as naive UTC (how the store keeps moments)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidInputError(
            f"expirationDateTime {text!r} is not an ISO 8601 date-time",
            inner_code="InvalidParameterValue",
        ) from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def operation_json(services: Services, operation_id: str, links: Links) -> dict[str, Any]:
    job = services.queue.get(operation_id.lower())
    if job is None or job.kind != COPY_JOB:
        raise NotFoundError(f"no model copy operation with id {operation_id}")
    body: dict[str, Any] = {
        "id": job.id,
        "self": links.url(f"operations/models/copy/{job.id}"),
        "createdDateTime": iso(_moment(job.created_at)),
        "lastActionDateTime": iso(_moment(job.updated_at)),
        "status": job.status,
    }
    if job.status == "Succeeded":
        body["result"] = {"link": target_model_url(job.payload)}
    elif job.status == "Failed":
        body["error"] = {"code": "CopyFailed", "message": job.error or "the copy failed"}
    return body


def is_terminal(operation: dict[str, Any]) -> bool:
    return operation["status"] in ("Succeeded", "Failed")


def _moment(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC).replace(tzinfo=None)


def target_model_url(payload: dict[str, Any]) -> str:
    authorization = payload["authorization"]
    endpoint = str(authorization["targetResourceEndpoint"]).rstrip("/")
    return (
        f"{endpoint}/speechtotext/models/{authorization['id']}"
        f"?api-version={payload.get('apiVersion', '2025-10-15')}"
    )


def _policy(services: Services) -> FetchPolicy:
    return FetchPolicy(allow_private=services.settings.allow_private_content_urls)


def copy_model(services: Services, context: JobContext) -> None:
    """The copy job on the source: send the bundle and the model's description to the target."""
    model = entities.get(services, "models", context.job.entity_id)
    authorization = context.job.payload["authorization"]
    endpoint = str(authorization["targetResourceEndpoint"]).rstrip("/")
    url = f"{endpoint}{IMPORT_PATH}/{authorization['id']}"
    check_url(url, _policy(services))
    description = {
        "displayName": model.display_name,
        "description": model.description,
        "locale": model.locale,
        "customProperties": model.custom_properties,
        "properties": model.properties,
        # who we are, not what the authorization says: the target compares the two
        "sourceResourceId": resource_id(services.secret),
    }
    bundle_dir = services.blobs.local_path(bundle_key(model.id))
    with tempfile.TemporaryFile() as archive:
        with tarfile.open(fileobj=archive, mode="w") as tar:
            tar.add(bundle_dir, arcname=".")
        archive.seek(0)
        context.progress(0.3)
        with httpx.Client(timeout=UPLOAD_TIMEOUT_S, follow_redirects=False) as client:
            response = client.post(
                url,
                data={"model": json.dumps(description)},
                files={"bundle": ("bundle.tar", archive, "application/x-tar")},
            )
    if 400 <= response.status_code < 500:
        raise InvalidInputError(f"the target refused the copy: {response.text[:500]}")
    response.raise_for_status()


def import_copy(
    services: Services, authorization_id: str, description_json: str, archive: BinaryIO
) -> Entity:
    """On the target: accept a model copy that an authorization allows."""
    record = _authorization(services, authorization_id)
    if record["model_id"]:  # a retried upload of a copy that already arrived
        return entities.get(services, "models", str(record["model_id"]))
    description = _description(description_json)
    if not same_resource(str(description.get("sourceResourceId") or ""),
                         record["source_resource_id"]):
        raise AuthError("the copy comes from another resource than the authorized one")
    model_id = str(record["id"])
    staging = services.blobs.local_path(f"{BLOB_PREFIX}/{model_id}/staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    _extract(archive, staging)
    bundle_dir = publish_bundle(services, model_id, staging)
    locale = entities.check_locale(str(description.get("locale") or ""))
    entity = Entity(
        table="models",
        id=model_id,
        display_name=str(description.get("displayName") or "copied model")[:512],
        description=str(description.get("description") or ""),
        locale=locale,
        status="Succeeded",
        custom_properties=_strings(description.get("customProperties")),
        properties=_copied_properties(description.get("properties")),
        attrs={"datasets": [], "text": "", "copiedFrom": record["source_resource_id"]},
        refs={"base_model_id": _trained_from(bundle_dir, locale)},
    )
    entities.insert(services, entity)
    with services.database.begin() as connection:
        connection.execute(
            update(copy_authorizations)
            .where(copy_authorizations.c.id == model_id)
            .values(model_id=model_id)
        )
    webhooks.notify(services, "modelCreation", entity)
    webhooks.notify(services, "modelCompletion", entity)
    return entity


def _authorization(services: Services, authorization_id: str) -> dict[str, Any]:
    with services.database.begin() as connection:
        row = connection.execute(
            select(copy_authorizations).where(copy_authorizations.c.id == authorization_id.lower())
        ).first()
    if row is None:
        raise AuthError("unknown copy authorization")
    record = dict(row._mapping)
    if record["model_id"] is None and record["expires_at"] < utc_now():
        raise AuthError("the copy authorization has expired")
    return record


def _description(text: str) -> dict[str, Any]:
    try:
        description = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"the model description is not JSON: {error}") from error
    if not isinstance(description, dict):
        raise InvalidInputError("the model description is not a JSON object")
    return description


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _copied_properties(value: Any) -> dict[str, Any]:
    weight = value.get("customModelWeightPercent") if isinstance(value, dict) else None
    return {"customModelWeightPercent": weight} if isinstance(weight, int) else {}


def _extract(archive: BinaryIO, target: Path) -> None:
    """Regular files and directories only, every one inside `target`."""
    try:
        with tarfile.open(fileobj=archive, mode="r:") as tar:
            for member in tar:
                name = PurePosixPath(member.name)
                if name.is_absolute() or ".." in name.parts:
                    raise DatasetError(f"bundle entry {member.name!r} escapes the bundle")
                path = target.joinpath(*name.parts)
                if member.isdir():
                    path.mkdir(parents=True, exist_ok=True)
                elif member.isfile():
                    source = tar.extractfile(member)
                    if source is None:
                        raise DatasetError(f"bundle entry {member.name!r} cannot be read")
                    path.parent.mkdir(parents=True, exist_ok=True)
                    with source, path.open("wb") as out:
                        shutil.copyfileobj(source, out)
                else:
                    raise DatasetError(f"bundle entry {member.name!r} is not a regular file")
    except tarfile.TarError as error:
        raise DatasetError(f"the bundle is not a tar archive: {error}") from error


def _trained_from(bundle_dir: Path, locale: str) -> str:
    """The base model a copied bundle was trained from, as its manifest names it (the en-US
    sphinx model for one that names none this server has)."""
    from voxtune.engine import load_bundle
    from voxtune.engine.registry import find_base_model

    known = find_base_model(load_bundle(bundle_dir, verify=False).base)
    entry_id = base_model_id(known.name, locale) if known is not None else BASE_MODEL_ID
    return entry_id if entry_id in base_model_entries() else BASE_MODEL_ID
