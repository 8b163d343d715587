""""Deploy models": endpoints, the "+ Deploy model" wizard, snippets and the try-it box."""

from __future__ import annotations

from fastapi import APIRouter

from voxtune.portal.web import PREFIX

router = APIRouter(prefix=PREFIX)
