"""Batch transcription: submit files or a dataset to a model, download the results."""

from __future__ import annotations

from fastapi import APIRouter

from voxtune.portal.web import PREFIX

router = APIRouter(prefix=PREFIX)
