""""View fine-tuned models": every project's models and deployments in one table."""

from __future__ import annotations

from fastapi import APIRouter

from voxtune.portal.web import PREFIX

router = APIRouter(prefix=PREFIX)
