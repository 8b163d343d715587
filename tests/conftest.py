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


@pytest.fixture(scope="session")
def rules_only_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle of the base model's files plus display rules that call "country" profane (the
    JFK clip says it): display formatting is tested on real recognition without training."""
    from voxtune.engine.bundle import write_manifest

    root = tmp_path_factory.mktemp("bundles") / "rules-only"
    (root / "formatting").mkdir(parents=True)
    (root / "formatting" / "00-rules.md").write_text(
        "#profanity\ncountry\n\n#test\nmy country\tMy *******\n", encoding="utf-8"
    )
    write_manifest(
        root,
        {"name": "rules-only", "locale": "en-US", "engine": "pocketsphinx", "base": "base",
         "formatting_rules": "formatting"},
    )
    return root
