"""Live status of a dataset, model, test, deployment or batch job, for pages that poll it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from voxtune.errors import NotFoundError
from voxtune.portal.web import PREFIX, ServicesDep, SessionDep
from voxtune.service import entities
from voxtune.service.context import Services

router = APIRouter(prefix=PREFIX)

TABLES = ("datasets", "models", "evaluations", "endpoints", "transcriptions")
# Azure's statuses in the portal's words
LABELS = {
    "NotStarted": "Processing",
    "Running": "Processing",
    "Succeeded": "Succeeded",
    "Failed": "Failed",
}


def status_label(status: str) -> str:
    return LABELS.get(status, status)


def status_of(services: Services, table: str, entity_id: str) -> dict[str, Any]:
    entity = entities.get(services, table, entity_id)
    progress = entities.job_progress(services, entity.id)
    percent = None if progress is None else round(100 * progress)
    return {"status": entity.status, "label": status_label(entity.status), "percent": percent}


@router.get("/status/{table}/{entity_id}")
def status(table: str, entity_id: str, _session: SessionDep, services: ServicesDep) -> JSONResponse:
    if table not in TABLES:
        raise NotFoundError(f"no such kind of resource: {table}")
    return JSONResponse(status_of(services, table, entity_id))
