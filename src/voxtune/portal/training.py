""""Train model": custom models, the "+ Train model" wizard and training reports."""

from __future__ import annotations

from fastapi import APIRouter

from voxtune.portal.web import PREFIX

router = APIRouter(prefix=PREFIX)
