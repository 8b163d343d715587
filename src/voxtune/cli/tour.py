"""`voxtune tour`: the main job of `make run` for now: the base model on the smoke clips."""

from __future__ import annotations

import os
from pathlib import Path

import click

from voxtune.cli.errors import reports_errors
from voxtune.errors import DatasetError

DEFAULT_SMOKE_DIR = Path("..") / "shared" / "data" / "smoke"


def _smoke_dir() -> Path:
    shared = os.environ.get("VOXTUNE_SHARED_DATA")
    return Path(shared) / "smoke" if shared else DEFAULT_SMOKE_DIR


@click.command("tour")
@click.option("--clips", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A folder of audio files with a trans.txt (default: ../shared/data/smoke).")
@click.option("--model", default=None,
              help="Model bundle or base model name (default: en-US's default base model, "
              "whisper-base; 'base' is the pocketsphinx model).")
@reports_errors
def tour_command(clips: Path | None, model: str | None) -> None:
    """Transcribe a folder of clips with references and print each result and the WER."""
    from voxtune.audio import load_audio
    from voxtune.data import read_text
    from voxtune.engine import open_recognizer
    from voxtune.engine.registry import model_location
    from voxtune.scoring import score, score_utterance

    folder = clips or _smoke_dir()
    transcript = folder / "trans.txt"
    if not transcript.is_file():
        raise DatasetError(f"{transcript} not found: point --clips at a folder with a trans.txt")
    references = [
        line.split("\t", 1)
        for line in read_text(transcript.read_bytes(), str(transcript)).splitlines()
        if "\t" in line
    ]
    location = model_location(model)
    recognizer = open_recognizer(location)
    click.echo(f"voxtune tour: {len(references)} clips from {folder}, model {location}\n")
    triples = []
    for name, reference in references:
        audio = load_audio(folder / name)
        hypothesis = recognizer.recognize(audio).lexical
        utterance = score_utterance(name, reference, hypothesis)
        click.echo(f"{name} ({audio.duration_s:.1f} s)  WER {utterance.wer:.0%}")
        click.echo(f"  reference:  {reference.strip()}")
        click.echo(f"  recognized: {hypothesis}\n")
        triples.append((name, reference, hypothesis))
    total = score(triples)
    click.echo(
        f"overall WER {total.wer:.2%} over {total.word_count} words "
        f"(S={total.substitution_count} D={total.deletion_count} I={total.insertion_count})"
    )
