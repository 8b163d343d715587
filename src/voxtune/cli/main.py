"""`voxtune` command line: thin click commands over the core library."""

from __future__ import annotations

import json
from pathlib import Path

import click

from voxtune import __version__
from voxtune.cli.dataset import dataset_group
from voxtune.cli.errors import reports_errors
from voxtune.cli.evaluate import evaluate_command
from voxtune.cli.progress import ProgressBar
from voxtune.cli.resources import RESOURCE_GROUPS
from voxtune.cli.server import keys_group, serve_command, worker_command
from voxtune.cli.tour import tour_command
from voxtune.cli.train import train_command
from voxtune.text.display import PUNCTUATION_MODES, DisplayOptions, PunctuationMode
from voxtune.text.profanity import PROFANITY_MODES, ProfanityMode


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="voxtune")
def cli() -> None:
    """voxtune: self-hosted custom speech recognition (Azure Custom Speech compatible)."""


@cli.command("transcribe")
@click.argument("audio", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--model", default=None,
              help="Model bundle directory or base model name (default: the locale's default "
              "base model, whisper-base for en-US; 'base' is the pocketsphinx model).")
@click.option("--locale", default="en-US", show_default=True,
              help="Language of the audio, for a base model (a bundle knows its own).")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="json: one Azure-style result object per line (JSON Lines).",
)
@click.option(
    "--form", type=click.Choice(["display", "lexical"]), default="display", show_default=True,
    help="Text output: display (numbers, capitals, punctuation, the model's rules) or the "
    "lexical words as recognized.",
)
@click.option("--profanity", type=click.Choice(PROFANITY_MODES), default="Masked",
              show_default=True, help="Profanity in the display form.")
@click.option("--punctuation", type=click.Choice(PUNCTUATION_MODES),
              default="DictatedAndAutomatic", show_default=True,
              help="Punctuation in the display form.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Decoder processes to run in parallel.")
@reports_errors
def transcribe_command(
    audio: tuple[Path, ...], model: str | None, locale: str, output_format: str, form: str,
    profanity: ProfanityMode, punctuation: PunctuationMode, jobs: int,
) -> None:
    """Transcribe AUDIO files (WAV, FLAC, OGG/Opus, MP3, ...) with a model."""
    from voxtune.engine import load_bundle, recognize_files
    from voxtune.engine.azure_json import combined_forms, result_json
    from voxtune.engine.formatting import bundle_formatter
    from voxtune.engine.registry import model_location
    from voxtune.engine.types import RecognitionResult

    bundle = load_bundle(model_location(model, locale))
    formatter = bundle_formatter(bundle)
    display = DisplayOptions(profanity, punctuation)
    with ProgressBar(len(audio), "transcribing", enabled=len(audio) > 1) as bar:
        outcomes = recognize_files(list(audio), bundle, jobs=jobs, on_progress=bar.update)
    failed = 0
    for path, outcome in zip(audio, outcomes, strict=True):
        if not isinstance(outcome, RecognitionResult):
            failed += 1
            click.echo(f"error: {path}: {outcome}", err=True)
            continue
        if output_format == "json":
            result = result_json(outcome, str(path), formatter=formatter, options=display)
            click.echo(json.dumps(result, ensure_ascii=False))
            continue
        forms = combined_forms(outcome.phrases, formatter, display)
        text = forms.display if form == "display" else forms.lexical
        click.echo(f"{path}\t{text}" if len(audio) > 1 else text)
    if failed:
        raise click.exceptions.Exit(2)


cli.add_command(evaluate_command)
cli.add_command(tour_command)
cli.add_command(train_command)
cli.add_command(dataset_group)
cli.add_command(serve_command)
cli.add_command(worker_command)
cli.add_command(keys_group)
for group in RESOURCE_GROUPS:
    cli.add_command(group)


def main() -> None:
    cli(prog_name="voxtune")


if __name__ == "__main__":
    main()
