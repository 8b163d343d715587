"""`voxtune evaluate`: WER of one or two models on an audio + transcript zip."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from voxtune.cli.errors import reports_errors
from voxtune.cli.progress import ProgressBar
from voxtune.errors import InvalidInputError

if TYPE_CHECKING:
    from voxtune.evaluation import EvaluationResult

MAX_MODELS = 2  # Azure evaluations compare exactly model1 and model2


@click.command("evaluate")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", "models", multiple=True,
              help="Model bundle or base model name, give twice to compare (default: the "
              "locale's default base model, whisper-base for en-US; 'base' is pocketsphinx).")
@click.option("--locale", default="en-US", show_default=True,
              help="Locale of the dataset (and of the base models named).")
@click.option("--json", "as_json", is_flag=True, help="Print Azure evaluation properties as JSON.")
@click.option("--details", type=click.Path(file_okay=False, path_type=Path),
              help="Write one JSON per utterance with reference, hypothesis and alignment.")
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many of the most frequent errors to show.")
@reports_errors
def evaluate_command(
    dataset: Path, models: tuple[str, ...], locale: str, as_json: bool, details: Path | None,
    jobs: int, top: int,
) -> None:
    """Transcribe DATASET (audio + human-labeled transcript zip) and score each model."""
    from voxtune.data import parse_acoustic
    from voxtune.engine.registry import model_location
    from voxtune.evaluation import evaluate_dataset

    chosen = [model_location(m, locale) for m in models or (None,)]
    if len(chosen) > MAX_MODELS:
        raise InvalidInputError(f"at most {MAX_MODELS} models can be compared, got {len(chosen)}")
    bars: dict[str, ProgressBar] = {}

    def progress(model: str, done: int, total: int) -> None:
        bar = bars.setdefault(model, ProgressBar(total, Path(model).name))
        bar.update(done, total)
        if done >= total:
            bar.close()

    parsed = parse_acoustic(dataset, locale)
    result = evaluate_dataset(parsed, chosen, jobs=jobs, on_progress=progress)
    if details is not None:
        _write_details(result, details)
    if as_json:
        click.echo(json.dumps(result.azure_properties(), indent=2))
    else:
        click.echo(_render(result, top))


def _render(result: EvaluationResult, top: int) -> str:
    from voxtune.scoring import error_analysis

    report = result.dataset.report
    lines = [f"dataset: {report.accepted} utterances accepted, {report.rejected} rejected"]
    for number, evaluation in enumerate(result.models, start=1):
        s = evaluation.scores
        lines += [
            "",
            f"model{number}: {evaluation.model}",
            f"  WER {s.wer:.2%}  SER {s.ser:.2%}  (N={s.word_count} words, "
            f"{s.sentence_count} sentences)",
            f"  correct {s.correct_word_count}  substitutions {s.substitution_count}  "
            f"deletions {s.deletion_count}  insertions {s.insertion_count}",
        ]
        lines += [f"  failed: {f.utterance}: {f.reason}" for f in evaluation.failures]
        if top:
            analysis = error_analysis(s, top=top)
            subs = ", ".join(
                f"{x.reference}->{x.hypothesis} x{x.count}" for x in analysis.substitutions
            )
            dels = ", ".join(f"{x.word} x{x.count}" for x in analysis.deletions)
            ins = ", ".join(f"{x.word} x{x.count}" for x in analysis.insertions)
            lines += [f"  top substitutions: {subs or '-'}", f"  top deletions: {dels or '-'}",
                      f"  top insertions: {ins or '-'}"]
    return "\n".join(lines)


def _write_details(result: EvaluationResult, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    per_model = [{u.id: u for u in m.scores.utterances} for m in result.models]
    for utterance in result.dataset.utterances:
        record = {
            "utterance": utterance.name,
            "reference": utterance.transcript,
            **{
                f"model{n}": {"model": m.model, **per_model[n - 1][utterance.name].to_json()}
                for n, m in enumerate(result.models, start=1)
            },
        }
        # Names come from a validated zip (no paths), but never let one escape `directory`.
        target = directory / (Path(utterance.name).name + ".json")
        target.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
