"""Web hooks: registration (with the validation challenge), event notifications signed with
HMAC-SHA256 (`X-MicrosoftSpeechServices-Signature`, Base64), ping and test.

Every delivery is a job ("webhook.deliver"), so a notification survives a restart and is
retried; the payload is the entity's JSON rendered with the base URL the hook was created with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from typing import Any

import httpx

from voxtune.errors import InvalidInputError
from voxtune.service import entities
from voxtune.service.context import Services
from voxtune.service.fetch import FetchPolicy, check_url
from voxtune.service.schemas import WebHookCreate, WebHookUpdate
from voxtune.service.views import Links, entity_json
from voxtune.store import records
from voxtune.store.records import Entity

DELIVER_JOB = "webhook.deliver"
VALIDATE_JOB = "webhook.validate"
EVENT_NAMES = (
    *(
        f"{entity}{stage}"
        for entity in ("dataset", "model", "evaluation", "transcription", "endpoint")
        for stage in ("Creation", "Processing", "Completion", "Deletion")
    ),
    "ping",
    "challenge",
)
SIGNATURE_HEADER = "X-MicrosoftSpeechServices-Signature"
EVENT_HEADER = "X-MicrosoftSpeechServices-Event"
DELIVERY_TIMEOUT_S = 10.0


def _events(events: dict[str, bool]) -> dict[str, bool]:
    unknown = sorted(set(events) - set(EVENT_NAMES))
    if unknown:
        raise InvalidInputError(
            f"unknown web hook events: {', '.join(unknown)}", inner_code="InvalidWebHookEventKind"
        )
    if not any(events.values()):
        raise InvalidInputError(
            "a web hook needs at least one event", inner_code="InvalidWebHookEventKind"
        )
    return {name: bool(events.get(name, False)) for name in EVENT_NAMES}


def policy(services: Services) -> FetchPolicy:
    return FetchPolicy(allow_private=services.settings.allow_private_content_urls)


def create_webhook(services: Services, body: WebHookCreate, links: Links) -> Entity:
    check_url(body.webUrl, policy(services))
    entity = Entity(
        table="webhooks",
        id=str(uuid.uuid4()),
        display_name=body.displayName,
        description=body.description or "",
        custom_properties=body.customProperties or {},
        attrs={
            "webUrl": body.webUrl,
            "events": _events(body.events),
            "secret": (body.properties.secret if body.properties else None) or "",
            "baseUrl": links.base_url,
            "apiVersion": links.api_version,
        },
    )
    entities.insert(services, entity)
    services.queue.enqueue(VALIDATE_JOB, entity.id)
    return entity


def update_webhook(services: Services, webhook_id: str, body: WebHookUpdate) -> Entity:
    entity = entities.get(services, "webhooks", webhook_id)
    body.project = None
    updated = entities.apply_common_update(services, entity, body)
    attrs = dict(updated.attrs)
    if body.webUrl is not None:
        check_url(body.webUrl, policy(services))
        attrs["webUrl"] = body.webUrl
    if body.events is not None:
        attrs["events"] = _events(body.events)
    if body.properties is not None and body.properties.secret is not None:
        attrs["secret"] = body.properties.secret
    changed_url = body.webUrl is not None and body.webUrl != entity.attrs["webUrl"]
    updated = entities.save(
        services,
        updated.with_changes(attrs=attrs, status="NotStarted" if changed_url else updated.status),
    )
    if changed_url:
        services.queue.enqueue(VALIDATE_JOB, updated.id)
    return updated


def delete_webhook(services: Services, webhook_id: str) -> None:
    entity = entities.get(services, "webhooks", webhook_id)
    with services.database.begin() as connection:
        records.delete_entity(connection, "webhooks", entity.id)


def notify(services: Services, event: str, entity: Entity) -> None:
    """Enqueue a delivery of `event` about `entity` to every hook subscribed to it."""
    with services.database.begin() as connection:
        hooks = records.list_entities(connection, "webhooks", status="Succeeded")
    for hook in hooks:
        if hook.attrs["events"].get(event):
            links = Links(hook.attrs["baseUrl"], hook.attrs["apiVersion"], services.secret)
            payload = entity_json(entity, links)
            services.queue.enqueue(DELIVER_JOB, hook.id, {"event": event, "payload": payload})


def ping(services: Services, webhook_id: str) -> None:
    hook = entities.get(services, "webhooks", webhook_id)
    links = Links(hook.attrs["baseUrl"], hook.attrs["apiVersion"], services.secret)
    services.queue.enqueue(
        DELIVER_JOB, hook.id, {"event": "ping", "payload": entity_json(hook, links)}
    )


def test(services: Services, webhook_id: str) -> None:
    """Send every subscribed event kind once, about the hook itself."""
    hook = entities.get(services, "webhooks", webhook_id)
    links = Links(hook.attrs["baseUrl"], hook.attrs["apiVersion"], services.secret)
    payload = entity_json(hook, links)
    for event, enabled in hook.attrs["events"].items():
        if enabled and event != "challenge":
            services.queue.enqueue(DELIVER_JOB, hook.id, {"event": event, "payload": payload})


def signature(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def post_event(
    services: Services, hook: Entity, event: str, payload: Any, query: str = ""
) -> httpx.Response:
    url = hook.attrs["webUrl"] + query
    check_url(url, policy(services))
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", EVENT_HEADER: event}
    if hook.attrs.get("secret"):
        headers[SIGNATURE_HEADER] = signature(hook.attrs["secret"], body)
    with httpx.Client(timeout=DELIVERY_TIMEOUT_S, follow_redirects=False) as client:
        return client.post(url, content=body, headers=headers)


def run_validation(services: Services, webhook_id: str) -> None:
    """The challenge: POST with ?validationToken=...; the hook must echo the token."""
    hook = entities.get(services, "webhooks", webhook_id)
    token = secrets.token_urlsafe(16)
    separator = "&" if "?" in hook.attrs["webUrl"] else "?"
    try:
        response = post_event(
            services, hook, "challenge", {}, f"{separator}validationToken={token}"
        )
        ok = response.status_code == 200 and response.text.strip().strip('"') == token
        reason = f"the web hook answered {response.status_code} without echoing the token"
    except httpx.HTTPError as error:
        ok, reason = False, f"the web hook could not be reached: {error}"
    if ok:
        entities.save(services, hook.with_changes(status="Succeeded", properties={}))
    else:
        entities.save(
            services,
            hook.with_changes(
                status="Failed",
                properties={"error": {"code": "InvalidCallbackUri", "message": reason}},
            ),
        )


def deliver(services: Services, webhook_id: str, event: str, payload: Any) -> None:
    hook = entities.get(services, "webhooks", webhook_id)
    response = post_event(services, hook, event, payload)
    if response.status_code >= 500:
        raise RuntimeError(f"web hook answered {response.status_code}; will retry")
