"""voxtune.client against a real server on loopback; every answer validated against the spec
(by the http hook). Also: the API stays responsive while an evaluation job decodes."""

from __future__ import annotations

import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from test_api_support import live_server, validating_http
from voxtune.client import VoxtuneClient
from voxtune.errors import AuthError, ConflictError, InvalidInputError, NotFoundError

MISSING = "00000000-0000-0000-0000-000000000000"
RESPONSIVE_S = 1.0  # /health and a small GET while an evaluation decodes


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with live_server(tmp_path_factory.mktemp("home")) as (base_url, key):
        yield base_url, key


@pytest.fixture()
def client(server: tuple[str, str]) -> Iterator[VoxtuneClient]:
    with VoxtuneClient(server[0], server[1], http=validating_http()) as voxtune:
        yield voxtune


def smoke_acoustic_zip(smoke_dir: Path, target: Path) -> Path:
    """Two short WAVs of the smoke set with their transcripts, as an Acoustic dataset."""
    lines = (smoke_dir / "trans.txt").read_text(encoding="utf-8-sig").splitlines()
    wav_lines = [line for line in lines if line.split("\t")[0].endswith(("0880.wav", "0930.wav"))]
    with zipfile.ZipFile(target, "w") as archive:
        for line in wav_lines:
            archive.write(smoke_dir / line.split("\t")[0], line.split("\t")[0])
        archive.writestr("trans.txt", "\n".join(wav_lines) + "\n")
    return target


def test_datasets_evaluation_endpoint_and_transcribe(
    client: VoxtuneClient, smoke_dir: Path, azure_samples: Path, tmp_path: Path
) -> None:
    project = client.projects.create("roundtrip", "en-US")
    archive = smoke_acoustic_zip(smoke_dir, tmp_path / "smoke.zip")
    dataset = client.datasets.upload(archive, "smoke", "en-US", "Acoustic", project=project.id)
    statuses: list[str | None] = []
    dataset = client.datasets.wait(
        dataset.id, poll_s=0.2, on_progress=lambda entity, _: statuses.append(entity.status)
    )
    assert dataset.status == "Succeeded", dataset.properties
    assert dataset.project is not None and dataset.project.id == project.id
    assert statuses[-1] == "Succeeded"

    text = azure_samples / "en-US" / "general" / "training" / "related-text.txt"
    language = client.datasets.upload_blocks(text, "related text", "en-US", "Language")
    blocks = client.datasets.blocks(language.id)
    assert [b.size for b in blocks.committed_blocks] == [text.stat().st_size]
    assert not blocks.uncommitted_blocks
    assert [d.id for d in client.datasets.list(filter="kind eq 'Acoustic'")] == [dataset.id]
    assert len(client.datasets.list(top=1)) == 2  # two pages, followed through @nextLink

    report = next(f for f in client.datasets.files(dataset.id) if f.kind == "DatasetReport")
    assert json.loads(client.datasets.download(report))["usable"] is True

    evaluation = client.evaluations.create(
        "base vs base", "en-US", model1="base", model2="base", dataset=dataset.id
    )
    slowest_s, running_samples = _measure_while_running(client, evaluation.id, project.id)
    evaluation = client.evaluations.wait(evaluation.id, poll_s=0.2, timeout_s=240)
    assert evaluation.status == "Succeeded", evaluation.properties
    assert running_samples >= 3, "the evaluation finished before it could be observed"
    assert slowest_s < RESPONSIVE_S
    properties = evaluation.properties
    assert properties["wordErrorRate1"] == properties["wordErrorRate2"]

    endpoint = client.endpoints.create("ep", "en-US", model="base", project=project.id)
    assert client.endpoints.change_model(endpoint.id, "base").model is not None
    client.endpoints.delete(endpoint.id)

    wav = smoke_dir / "sense_and_sensibility_01_austen_64kb-0880.wav"
    result = client.transcriptions.transcribe(wav)
    assert "man" in result.text and result.phrases and result.duration_milliseconds > 1000

    with pytest.raises(ConflictError) as in_use:
        client.datasets.delete(dataset.id)
    assert in_use.value.inner_code == "InUseViolation" and in_use.value.http_status == 409


def _measure_while_running(
    client: VoxtuneClient, evaluation_id: str, project_id: str
) -> tuple[float, int]:
    """(slowest answer, samples taken while the evaluation was Running)."""
    slowest_s, samples = 0.0, 0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        evaluation = client.evaluations.get(evaluation_id)
        if evaluation.done:
            break
        started = time.monotonic()
        assert httpx.get(f"{client.transport.base_url}/health", timeout=10).status_code == 200
        client.projects.get(project_id)
        elapsed = time.monotonic() - started
        if evaluation.status == "Running":
            samples += 1
            slowest_s = max(slowest_s, elapsed)
        time.sleep(0.1)
    return slowest_s, samples


def test_errors_map_to_the_voxtune_hierarchy(
    client: VoxtuneClient, server: tuple[str, str]
) -> None:
    with pytest.raises(NotFoundError):
        client.datasets.get(MISSING)
    with pytest.raises(InvalidInputError) as bad_locale:
        client.projects.create("x", "xx-XX")
    assert bad_locale.value.inner_code == "InvalidLocale"
    with VoxtuneClient(server[0], "0" * 32) as wrong, pytest.raises(AuthError):
        wrong.projects.list()
    base = client.base_models.list()[0]
    assert client.base_models.manifest(base.id).model.id == base.id
