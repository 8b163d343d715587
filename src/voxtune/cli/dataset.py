"""`voxtune dataset ...`: local dataset checks (thin: parsing and rules live in voxtune.data)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from voxtune.cli.errors import reports_errors
from voxtune.data import DatasetKind, DatasetReport, check_dataset
from voxtune.errors import DatasetError


@click.group("dataset")
def dataset_group() -> None:
    """Check datasets in the Azure Custom Speech formats."""


@dataset_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    required=True,
    type=click.Choice([kind.value for kind in DatasetKind], case_sensitive=False),
    help="Dataset kind, as the Azure API names it.",
)
@click.option("--locale", default="en-US", show_default=True, help="Locale of the text.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@reports_errors
def check_command(path: Path, kind: str, locale: str, as_json: bool) -> None:
    """Parse PATH as a dataset of KIND and print its report (exit 0 if it is usable)."""
    report = check_dataset(path, DatasetKind.parse(kind), locale)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_report(report, path.name))
    if not report.usable:
        raise DatasetError(f"{path.name}: no usable items ({report.rejected} rejected)")


def render_report(report: DatasetReport, name: str) -> str:
    """The report as a few readable lines: totals, notes, then every rejected item."""
    lines = [
        f"{report.kind.value} dataset {name}",
        f"  accepted {report.accepted}, rejected {report.rejected}, skipped {report.skipped}",
    ]
    if report.audio_duration_s:
        minutes = report.audio_duration_s / 60
        lines.append(f"  audio {report.audio_duration_s:.1f} s ({minutes:.1f} min)")
    lines.extend(f"  note: {note}" for note in report.notes)
    for entry in report.entries:
        where = f" line {entry.line}" if entry.line is not None else ""
        lines.append(f"  {entry.status}: {entry.item}{where}: {entry.reason}")
    return "\n".join(lines)
