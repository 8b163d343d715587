"""Shared fixtures: paths to the real speech data in ../shared/data (beside the checkout)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("VOXTUNE_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA} (set VOXTUNE_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def smoke_dir(shared_data: Path) -> Path:
    return shared_data / "smoke"


@pytest.fixture(scope="session")
def an4_dev_zip(shared_data: Path) -> Path:
    return shared_data / "an4" / "dev.zip"


@pytest.fixture(scope="session")
def an4_train_zip(shared_data: Path) -> Path:
    return shared_data / "an4" / "train.zip"


@pytest.fixture(scope="session")
def fsdd_zip(shared_data: Path) -> Path:
    return shared_data / "fsdd" / "train.zip"


@pytest.fixture(scope="session")
def azure_samples(shared_data: Path) -> Path:
    return shared_data / "azure-samples"
