"""Model manifests: the files a speech container would need, with signed links."""

from __future__ import annotations

from typing import Any

from voxtune.engine.bundle import load_bundle
from voxtune.errors import ModelError
from voxtune.service import entities, files
from voxtune.service.context import Services
from voxtune.service.models import BLOB_PREFIX, bundle_key
from voxtune.service.views import Links, model_reference


def base_manifest(model_id: str, links: Links) -> dict[str, Any]:
    """A base model's files live in installed packages: nothing to download."""
    from voxtune.engine import base_model
    from voxtune.service.views import base_model_entries

    model = base_model(base_model_entries()[model_id].name)
    return {
        "model": model_reference(links, model_id),
        "modelFiles": [],
        "properties": {"engine": model.engine, "baseModelName": model.name, "bundled": True},
    }


def custom_manifest(services: Services, model_id: str, links: Links) -> dict[str, Any]:
    model = entities.get(services, "models", model_id)
    if model.status != "Succeeded":
        raise ModelError(
            f"model {model.id} is {model.status}; it has no files yet",
            inner_code="ModelNotDeployable",
        )
    root = services.blobs.local_path(bundle_key(model.id))
    engine = load_bundle(root, verify=False).engine
    bundle_owner = files.file_id_for(model.id, "bundle")
    model_files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        key = f"{BLOB_PREFIX}/{model.id}/bundle/{name}"
        record = files.add_file(services, bundle_owner, name, "ModelBundleFile", key)
        model_files.append({"name": name, "contentUrl": links.content_url(record)})
    return {
        "model": model_reference(links, model.id),
        "modelFiles": model_files,
        "properties": {"engine": engine, "format": "voxtune-bundle"},
    }
