""""Manage data": datasets of every kind, the "Add data" wizard and each validation report."""

from __future__ import annotations

from fastapi import APIRouter

from voxtune.portal.web import PREFIX

router = APIRouter(prefix=PREFIX)
