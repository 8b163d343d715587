""""Test models": accuracy and quality tests, their results and the side-by-side view."""

from __future__ import annotations

from fastapi import APIRouter

from voxtune.portal.web import PREFIX

router = APIRouter(prefix=PREFIX)
