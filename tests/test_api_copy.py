"""Model copy between two voxtune servers on loopback: authorizecopy on the target, copy and
its operation on the source; the copied model is Succeeded with a verified bundle."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from test_api_support import live_server, validating_http
from voxtune.client import VoxtuneClient
from voxtune.engine.bundle import write_manifest
from voxtune.errors import InvalidInputError, NotFoundError
from voxtune.service import entities
from voxtune.service.context import open_services
from voxtune.service.models import bundle_key
from voxtune.service.views import BASE_MODEL_ID
from voxtune.settings import Settings
from voxtune.store.records import Entity

SPHINX_TINY = {"name": "tiny", "locale": "en-US", "decoder_options": {"lw": 6.5}}


def _published_model(home: Path, manifest: dict[str, Any] = SPHINX_TINY) -> str:
    """A Succeeded custom model on the server under `home` (a tiny bundle: the base model's
    files with its own decoder setting), as training would leave it."""
    services = open_services(Settings(home=home))
    model_id = str(uuid.uuid4())
    root = services.blobs.local_path(bundle_key(model_id))
    root.mkdir(parents=True)
    (root / "notes.txt").write_text("copied with the bundle\n")
    write_manifest(root, manifest)
    entities.insert(
        services,
        Entity(
            table="models",
            id=model_id,
            display_name="tiny",
            locale=str(manifest["locale"]),
            status="Succeeded",
            custom_properties={"team": "a"},
            attrs={"datasets": [], "text": ""},
            refs={"base_model_id": BASE_MODEL_ID},
        ),
    )
    services.close()
    return model_id


@contextmanager
def _two_servers(
    tmp_path: Path, manifest: dict[str, Any] = SPHINX_TINY
) -> Iterator[tuple[VoxtuneClient, VoxtuneClient, str, str]]:
    """(source client, target client, target URL, id of a published model on the source)."""
    source_home, target_home = tmp_path / "a", tmp_path / "b"
    options = {"allow_private_content_urls": True}
    with (
        live_server(source_home, **options) as (source_url, source_key),
        live_server(target_home, **options) as (target_url, target_key),
        VoxtuneClient(source_url, source_key, http=validating_http()) as source,
        VoxtuneClient(target_url, target_key, http=validating_http()) as target,
    ):
        yield source, target, target_url, _published_model(source_home, manifest)


def test_a_model_is_copied_from_one_server_to_another(tmp_path: Path) -> None:
    with _two_servers(tmp_path) as (source, target, target_url, model_id):
        source_id = source.resource_id()
        assert source_id != target.resource_id()
        authorization = target.models.authorize_copy(source_id)
        assert authorization.target_resource_endpoint == target_url
        assert authorization.target_resource_id == target.resource_id()
        operation = source.models.copy(model_id, authorization)
        assert operation.status in ("NotStarted", "Running", "Succeeded")
        done = source.models.wait_copy(operation, timeout_s=60)
        assert done.status == "Succeeded", done.error
        assert done.result is not None and done.result.link is not None
        copied = target.models.get(done.result.link)
        assert copied.status == "Succeeded" and copied.id == authorization.id
        assert copied.display_name == "tiny" and copied.custom_properties == {"team": "a"}
        names = {f["name"] for f in target.models.manifest(copied.id).model_files}
        assert {"manifest.json", "notes.txt"} <= names

        again = httpx.post(
            f"{target_url}/voxtune/copy/{uuid.uuid4()}",
            data={"model": "{}"},
            files={"bundle": ("b.tar", b"", "application/x-tar")},
        )
        assert again.status_code == 401
        with pytest.raises(NotFoundError):
            source.models.copy(str(uuid.uuid4()), authorization)


def test_the_copy_checks_whom_the_authorization_is_for(tmp_path: Path) -> None:
    """The source refuses an authorization made out to another source, to itself as target,
    or expired; the target refuses an upload that does not come from the authorized source."""
    with _two_servers(tmp_path) as (source, target, target_url, model_id):
        other = target.models.authorize_copy("/voxtune/servers/someone-else")
        to_self = source.models.authorize_copy(source.resource_id())
        good = target.models.authorize_copy(source.resource_id().upper())  # case-insensitive
        expired = good.model_copy(update={"expiration_date_time": "2020-01-01T00:00:00Z"})
        refusals = [
            (other, "InvalidSourceAzureResourceId"),
            (to_self, "InvalidSourceAzureResourceId"),
            (expired, "ModelCopyAuthorizationExpired"),
        ]
        for authorization, inner_code in refusals:
            with pytest.raises(InvalidInputError) as refused:
                source.models.copy(model_id, authorization)
            assert refused.value.inner_code == inner_code

        forged = httpx.post(
            f"{target_url}/voxtune/copy/{good.id}",
            data={"model": json.dumps({"locale": "en-US", "sourceResourceId": "/x/y"})},
            files={"bundle": ("b.tar", b"", "application/x-tar")},
        )
        assert forged.status_code == 401
        done = source.models.wait_copy(source.models.copy(model_id, good), timeout_s=60)
        assert done.status == "Succeeded", done.error


def test_a_copied_model_keeps_the_base_model_it_was_trained_from(tmp_path: Path) -> None:
    german = {"name": "de", "locale": "de-DE", "engine": "whisper", "base": "whisper-base"}
    with _two_servers(tmp_path, german) as (source, target, _, model_id):
        operation = source.models.copy(model_id, target.models.authorize_copy(source.resource_id()))
        done = source.models.wait_copy(operation, timeout_s=60)
        assert done.status == "Succeeded" and done.result is not None, done.error
        copied = target.models.get(str(done.result.link))
        assert copied.base_model is not None
        base = target.base_models.get(copied.base_model.self_url)
        assert (base.locale, base.properties["baseModelName"]) == ("de-DE", "whisper-base")
        assert target.models.manifest(copied.id).properties["engine"] == "whisper"

