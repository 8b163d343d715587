"""`voxtune datasets|models|evaluations|endpoints|transcriptions ...` against a real server
(the groups invoked directly; cli/main.py registers them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from test_api_support import live_server
from voxtune.cli.resources import RESOURCE_GROUPS, datasets_group, endpoints_group, models_group


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with live_server(tmp_path_factory.mktemp("home")) as (base_url, key):
        yield {"VOXTUNE_SERVER": base_url, "VOXTUNE_KEY": key}


def run(group: click.Group, args: list[str], env: dict[str, str], code: int = 0) -> str:
    result = CliRunner().invoke(group, args, env=env)
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


def test_dataset_create_wait_list_show_delete(env: dict[str, str], azure_samples: Path) -> None:
    text = azure_samples / "en-US" / "general" / "training" / "related-text.txt"
    result = CliRunner().invoke(
        datasets_group,
        ["create", str(text), "--kind", "Language", "--name", "text", "--wait", "--blocks"],
        env=env,
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert "dataset " in result.stderr and "Succeeded" in result.stderr  # the progress line
    dataset = json.loads(result.stdout)
    assert dataset["status"] == "Succeeded" and dataset["kind"] == "Language"
    dataset_id = dataset["self"].split("/")[-1].split("?")[0]
    assert dataset_id in run(datasets_group, ["list", "--filter", "kind eq 'Language'"], env)
    assert json.loads(run(datasets_group, ["show", dataset_id], env))["displayName"] == "text"
    assert "deleted" in run(datasets_group, ["delete", dataset_id], env)
    gone = CliRunner().invoke(datasets_group, ["show", dataset_id], env=env)
    assert gone.exit_code == 4 and "NotFound" in gone.stderr


def test_endpoint_on_the_base_model_and_a_wrong_key(env: dict[str, str]) -> None:
    endpoint = json.loads(run(endpoints_group, ["create", "--model", "base", "--name", "ep"], env))
    endpoint_id = endpoint["self"].split("/")[-1].split("?")[0]
    assert "cid=" in endpoint["links"]["webSocket"]
    assert endpoint_id in run(endpoints_group, ["list"], env)
    run(endpoints_group, ["delete", endpoint_id], env)
    for group in RESOURCE_GROUPS:
        run(group, ["list"], env)
    denied = CliRunner().invoke(endpoints_group, ["list", "--key", "0" * 32], env=env)
    assert denied.exit_code == 6 and "Unauthorized" in denied.stderr


def test_models_base_marks_each_locales_default(env: dict[str, str]) -> None:
    lines = [line.split("\t") for line in run(models_group, ["base"], env).splitlines()]
    defaults = {(locale, name) for _, locale, name, _, *mark in lines if mark == ["default"]}
    assert ("en-US", "whisper-base") in defaults and ("de-DE", "whisper-base") in defaults
    assert len(defaults) == len({locale for _, locale, *_ in lines})  # one per locale
    sphinx = [line for line in lines if line[2] == "sphinx-en-us"]
    assert sphinx and sphinx[0][1:4] == ["en-US", "sphinx-en-us", "pocketsphinx"]
    assert len(sphinx[0]) == 4  # listed, not the default
    german = run(models_group, ["base", "--locale", "de-de"], env).splitlines()
    assert german and all("\tde-DE\t" in line for line in german)

