"""`voxtune train`: build a custom model bundle from datasets, locally (no server)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from voxtune.cli.errors import reports_errors

_existing_file = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("train")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the new model bundle (must not exist or be empty).")
@click.option("--base", default=None,
              help="Base model name or bundle (default: the locale's default base model, "
              "whisper-base for en-US; 'base' is the pocketsphinx model).")
@click.option("--locale", default="en-US", show_default=True, help="Locale of the datasets.")
@click.option("--acoustic", multiple=True, type=_existing_file,
              help="Audio + human-labeled transcript zip (Acoustic).")
@click.option("--text", multiple=True, type=_existing_file, help="Plain text (Language).")
@click.option("--markdown", multiple=True, type=_existing_file,
              help="Structured text .md (LanguageMarkdown).")
@click.option("--pronunciation", multiple=True, type=_existing_file,
              help="Pronunciation file: display<TAB>spoken form.")
@click.option("--formatting", multiple=True, type=_existing_file,
              help="Output formatting rules .md (OutputFormatting).")
@click.option("--inline-text", multiple=True, help="A sentence of domain text (repeatable).")
@click.option("--weight", type=click.IntRange(1, 100), default=None,
              help="customModelWeightPercent: share of the domain LM (default: tuned).")
@click.option("--no-acoustic-adaptation", is_flag=True,
              help="Use Acoustic datasets for their text only.")
@reports_errors
def train_command(
    out_dir: Path, base: str | None, locale: str, acoustic: tuple[Path, ...],
    text: tuple[Path, ...],
    markdown: tuple[Path, ...], pronunciation: tuple[Path, ...], formatting: tuple[Path, ...],
    inline_text: tuple[str, ...], weight: int | None, no_acoustic_adaptation: bool,
) -> None:
    """Train a custom model from the base model and datasets."""
    from voxtune.engine.registry import model_location
    from voxtune.training import TrainingInputs, TrainingOptions, TrainingReport, train

    inputs = TrainingInputs(acoustic, text, markdown, pronunciation, formatting, inline_text)
    options = TrainingOptions(weight_percent=weight, locale=locale,
                              acoustic_adaptation=not no_acoustic_adaptation)
    last = [""]

    def progress(stage: str, fraction: float) -> None:
        if stage != last[0]:
            last[0] = stage
            click.echo(f"[{fraction:4.0%}] {stage}", err=True)
        elif sys.stderr.isatty():
            click.echo(f"\r[{fraction:4.0%}] {stage}", err=True, nl=False)

    trained = train(model_location(base, locale), inputs, out_dir, options, progress)
    report = trained.report
    click.echo(f"model: {trained.bundle.root}")
    if not isinstance(report, TrainingReport):  # a neural engine's report
        for kind, use in report.uses.items():
            click.echo(f"  {kind}: {use}")
        click.echo(f"  time: {report.elapsed_s:.0f} s; report: "
                   f"{trained.bundle.root}/training-report.json")
        return
    lm = report.language_model
    click.echo(f"  text: {report.sentences} sentences, {report.words} words, "
               f"OOV vs base vocabulary {report.oov_rate:.2%}")
    click.echo(f"  language model: weight {lm.weight_percent}% ({lm.weight_chosen_by}), "
               f"held-out perplexity {lm.perplexity_base:.1f} -> {lm.perplexity_custom:.1f}")
    click.echo(f"  lexicon: {report.lexicon.words} words, {report.lexicon.added_count} added, "
               f"{len(report.lexicon.failed)} without pronunciation")
    if report.acoustic is not None:
        a = report.acoustic
        click.echo(f"  acoustic adaptation: {a.utterances_aligned}/{a.utterances_total} "
                   f"utterances aligned, {a.frames_aligned} frames, "
                   f"{a.senones_updated} senones and {a.gaussians_updated} means updated")
    click.echo(f"  time: {report.elapsed_s:.0f} s; report: "
               f"{trained.bundle.root}/training-report.json")
