"""`voxtune datasets|models|evaluations|endpoints|transcriptions create/list/show/delete`:
thin commands over voxtune.client against a running server (`--server`, `--key`).

`create --wait` polls until the job ends, drawing a progress line on stderr, and exits with
an error when the entity Failed. `show` prints the entity's JSON; `list` one line per entity.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from voxtune.cli.errors import reports_errors
from voxtune.client import Collection, Entity, VoxtuneClient
from voxtune.errors import VoxtuneError

DEFAULT_SERVER = "http://127.0.0.1:8080"
F = TypeVar("F", bound=Callable[..., Any])
Getter = Callable[[VoxtuneClient], Collection[Any]]


def server_options(command: F) -> F:
    command = click.option(
        "--key", envvar="VOXTUNE_KEY", default=None, help="API key (env VOXTUNE_KEY)."
    )(command)
    command = click.option(
        "--server",
        envvar="VOXTUNE_SERVER",
        default=DEFAULT_SERVER,
        show_default=True,
        help="Server base URL (env VOXTUNE_SERVER).",
    )(command)
    return command


def wait_options(command: F) -> F:
    command = click.option(
        "--timeout",
        "timeout_s",
        type=float,
        default=3600.0,
        show_default=True,
        help="With --wait: give up after this many seconds.",
    )(command)
    return click.option("--wait", is_flag=True, help="Wait for the job, showing progress.")(command)


def connect(server: str, key: str | None) -> VoxtuneClient:
    return VoxtuneClient(server, key)


class ProgressLine:
    """`<kind> <id> <status> <pct>` on stderr: redrawn in place on a terminal, else one line
    per change (so logs stay readable)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.last = ""
        self.tty = sys.stderr.isatty()

    def __call__(self, entity: Entity, progress: float | None) -> None:
        percent = f" {progress * 100:5.1f}%" if progress is not None else ""
        text = f"{self.label} {entity.id} {entity.status}{percent}"
        if text == self.last:
            return
        self.last = text
        elapsed = time.monotonic() - self.started
        if self.tty:
            click.echo(f"\r{text} ({elapsed:.0f} s)\033[K", err=True, nl=False)
        else:
            click.echo(f"{text} ({elapsed:.0f} s)", err=True)

    def close(self) -> None:
        if self.tty and self.last:
            click.echo("", err=True)


def finish(
    collection: Collection[Any], entity: Entity, label: str, wait: bool, timeout_s: float
) -> None:
    """Print the created entity; with `wait`, poll it to the end first."""
    if wait and not entity.done:
        line = ProgressLine(label)
        try:
            entity = collection.wait(entity.id, timeout_s=timeout_s, on_progress=line)
        finally:
            line.close()
    click.echo(entity.model_dump_json(by_alias=True, exclude_none=True, indent=2))
    if entity.status == "Failed":
        error = entity.error
        reason = f"{error.code}: {error.message}" if error else "see its files"
        raise VoxtuneError(f"{label} {entity.id} failed ({reason})")


def add_common_commands(group: click.Group, getter: Getter, label: str) -> None:
    """list, show and delete: the same for every collection."""

    @group.command("list")
    @click.option("--filter", "filter_text", default=None, help="e.g. \"status eq 'Succeeded'\"")
    @server_options
    @reports_errors
    def list_command(filter_text: str | None, server: str, key: str | None) -> None:
        """One line per entity: id, status, display name."""
        with connect(server, key) as client:
            for entity in getter(client).list(filter=filter_text):
                click.echo(f"{entity.id}\t{entity.status or ''}\t{entity.display_name}")

    @group.command("show")
    @click.argument("entity_id")
    @server_options
    @reports_errors
    def show_command(entity_id: str, server: str, key: str | None) -> None:
        """Print the entity's JSON."""
        with connect(server, key) as client:
            entity = getter(client).get(entity_id)
        click.echo(entity.model_dump_json(by_alias=True, exclude_none=True, indent=2))

    @group.command("delete")
    @click.argument("entity_id")
    @server_options
    @reports_errors
    def delete_command(entity_id: str, server: str, key: str | None) -> None:
        """Delete the entity (refused while something uses it)."""
        with connect(server, key) as client:
            getter(client).delete(entity_id)
        click.echo(f"deleted {label} {entity_id}")


name_option = click.option("--name", "display_name", required=True, help="Display name.")
locale_option = click.option("--locale", default="en-US", show_default=True)
project_option = click.option("--project", default=None, help="Project id or URL.")


@click.group("datasets")
def datasets_group() -> None:
    """Datasets on a server: upload, list, show, delete."""


@datasets_group.command("create")
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--kind", required=True, help="Acoustic, AudioFiles, Language, Pronunciation, ...")
@click.option("--content-url", default=None, help="Fetch from this URL instead of SOURCE.")
@click.option("--blocks", is_flag=True, help="Upload SOURCE in blocks (large files).")
@name_option
@locale_option
@project_option
@wait_options
@server_options
@reports_errors
def create_dataset(
    source: Path | None,
    kind: str,
    content_url: str | None,
    blocks: bool,
    display_name: str,
    locale: str,
    project: str | None,
    wait: bool,
    timeout_s: float,
    server: str,
    key: str | None,
) -> None:
    """Create a dataset from a local file SOURCE or a --content-url."""
    if (source is None) == (content_url is None):
        raise click.UsageError("give either SOURCE or --content-url")
    with connect(server, key) as client:
        if content_url is not None:
            dataset = client.datasets.create(
                display_name, locale, kind, content_url=content_url, project=project
            )
        elif blocks:
            assert source is not None
            dataset = client.datasets.upload_blocks(
                source, display_name, locale, kind, project=project
            )
        else:
            assert source is not None
            dataset = client.datasets.upload(source, display_name, locale, kind, project=project)
        finish(client.datasets, dataset, "dataset", wait, timeout_s)


add_common_commands(datasets_group, lambda client: client.datasets, "dataset")


@click.group("models")
def models_group() -> None:
    """Custom models on a server: train, list, show, delete."""


@models_group.command("create")
@click.option("--dataset", "datasets", multiple=True, help="Training dataset id (repeatable).")
@click.option(
    "--text-file",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Plain domain text to train on as well.",
)
@click.option(
    "--weight-percent",
    type=click.IntRange(1, 100),
    default=None,
    help="customModelWeightPercent: weight of the custom language model.",
)
@click.option(
    "--base",
    "base_model",
    default=None,
    help="Base model id or URL, or 'base' (pocketsphinx); default: the server's default "
    "for --locale (`voxtune models base` marks it).",
)
@name_option
@locale_option
@project_option
@wait_options
@server_options
@reports_errors
def create_model(
    datasets: tuple[str, ...],
    text_file: Path | None,
    weight_percent: int | None,
    base_model: str | None,
    display_name: str,
    locale: str,
    project: str | None,
    wait: bool,
    timeout_s: float,
    server: str,
    key: str | None,
) -> None:
    """Train a custom model from datasets (and text) on the base model."""
    text = text_file.read_text(encoding="utf-8") if text_file else None
    with connect(server, key) as client:
        model = client.models.create(
            display_name,
            locale,
            datasets=list(datasets),
            text=text,
            base_model=base_model,
            weight_percent=weight_percent,
            project=project,
        )
        finish(client.models, model, "model", wait, timeout_s)


add_common_commands(models_group, lambda client: client.models, "model")


@models_group.command("base")
@click.option("--locale", default=None, help="Only the base models of this locale.")
@server_options
@reports_errors
def list_base_models(locale: str | None, server: str, key: str | None) -> None:
    """The server's base models, one line each: id, locale, name, engine; "default" marks
    the one a request in that locale gets when it names no model."""
    with connect(server, key) as client:
        for model in client.base_models.list():
            if locale is not None and (model.locale or "").lower() != locale.lower():
                continue
            properties = model.properties
            mark = "\tdefault" if properties.get("defaultForLocale") else ""
            click.echo(f"{model.id}\t{model.locale}\t{properties.get('baseModelName', '')}\t"
                       f"{properties.get('engine', '')}{mark}")


@click.group("evaluations")
def evaluations_group() -> None:
    """Evaluations (model1 vs model2 on an Acoustic dataset) on a server."""


@evaluations_group.command("create")
@click.option("--model1", required=True, help="Model id, URL, or 'base'.")
@click.option("--model2", required=True, help="Model id, URL, or 'base'.")
@click.option("--dataset", required=True, help="Acoustic dataset id.")
@name_option
@locale_option
@project_option
@wait_options
@server_options
@reports_errors
def create_evaluation(
    model1: str,
    model2: str,
    dataset: str,
    display_name: str,
    locale: str,
    project: str | None,
    wait: bool,
    timeout_s: float,
    server: str,
    key: str | None,
) -> None:
    """Compare two models on a dataset (word and sentence error rates)."""
    with connect(server, key) as client:
        evaluation = client.evaluations.create(
            display_name, locale, model1=model1, model2=model2, dataset=dataset, project=project
        )
        finish(client.evaluations, evaluation, "evaluation", wait, timeout_s)


add_common_commands(evaluations_group, lambda client: client.evaluations, "evaluation")


@click.group("endpoints")
def endpoints_group() -> None:
    """Endpoints (deployed models) on a server."""


@endpoints_group.command("create")
@click.option("--model", required=True, help="Model id, URL, or 'base'.")
@name_option
@locale_option
@project_option
@server_options
@reports_errors
def create_endpoint(
    model: str, display_name: str, locale: str, project: str | None, server: str, key: str | None
) -> None:
    """Deploy a model to a new endpoint."""
    with connect(server, key) as client:
        endpoint = client.endpoints.create(display_name, locale, model=model, project=project)
        finish(client.endpoints, endpoint, "endpoint", False, 0)


add_common_commands(endpoints_group, lambda client: client.endpoints, "endpoint")


@click.group("transcriptions")
def transcriptions_group() -> None:
    """Batch transcriptions on a server."""


@transcriptions_group.command("create")
@click.option("--content-url", "content_urls", multiple=True, help="Audio URL (repeatable).")
@click.option("--dataset", default=None, help="Acoustic or AudioFiles dataset id.")
@click.option("--model", default=None, help="Model id or URL (default: the base model).")
@click.option("--show-text", is_flag=True, help="With --wait: print each file's text too.")
@name_option
@locale_option
@project_option
@wait_options
@server_options
@reports_errors
def create_transcription(
    content_urls: tuple[str, ...],
    dataset: str | None,
    model: str | None,
    show_text: bool,
    display_name: str,
    locale: str,
    project: str | None,
    wait: bool,
    timeout_s: float,
    server: str,
    key: str | None,
) -> None:
    """Submit a batch transcription of --content-url files or a --dataset."""
    with connect(server, key) as client:
        transcription = client.transcriptions.submit(
            display_name,
            locale,
            content_urls=list(content_urls) or None,
            dataset=dataset,
            model=model,
            project=project,
        )
        finish(client.transcriptions, transcription, "transcription", wait, timeout_s)
        if wait and show_text:
            for file in client.transcriptions.files(transcription.id):
                if file.kind == "Transcription":
                    result = json.loads(client.transcriptions.download(file))
                    lexical = " ".join(p["lexical"] for p in result["combinedRecognizedPhrases"])
                    click.echo(f"{result.get('source', file.name)}\t{lexical}")


add_common_commands(transcriptions_group, lambda client: client.transcriptions, "transcription")

RESOURCE_GROUPS = (
    datasets_group,
    models_group,
    evaluations_group,
    endpoints_group,
    transcriptions_group,
)
