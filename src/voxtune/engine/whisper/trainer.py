"""Training a Whisper model: datasets + a Whisper base model -> a bundle directory's files.

What each dataset kind does for this engine (the report says it for every model):
- Acoustic (audio + human-labeled transcript): fine-tuning (finetune.py: low-rank adapters on
  every projection by default, or the whole model),
  the result written back as a CTranslate2 model for serving.
- Language / LanguageMarkdown (plain and structured text): with no audio to train on, the
  domain's words become the decoding context (Whisper's previous-text prompt). Alongside
  fine-tuning they are not used: the model is trained without a prompt, and decoding a
  fine-tuned model with one was not measured.
- Pronunciation: Whisper writes words, not phones; each entry becomes a display rewrite from
  its spoken form to its display form ("three c p o" -> "3CPO").
- OutputFormatting: copied into the bundle as for every engine.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from voxtune.engine.bundle import ModelBundle
from voxtune.engine.whisper.finetune import FineTuneOptions, TrainingExample, fine_tune
from voxtune.engine.whisper.recognizer import language_of
from voxtune.errors import TrainingError
from voxtune.units import Seconds

Progress = Callable[[str, float], None]
MODEL_DIR = "whisper"
PROMPT_WORDS = 60  # domain words in the decoding context (Whisper's prompt is at most 223 tokens)


@dataclass(frozen=True)
class WhisperTrainingReport:
    datasets: tuple[dict[str, Any], ...]
    dataset_hashes: dict[str, str]
    uses: dict[str, str]  # per dataset kind: what this engine did with it
    fine_tuning: dict[str, Any] | None  # options, learning curve, per-step time
    prompt_text: str
    rewrites: int
    formatting_files: tuple[str, ...]
    formatting_tests: Any
    decoder_options: dict[str, Any]
    elapsed_s: Seconds
    engine: str = "whisper"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, path: Path) -> WhisperTrainingReport:
        path.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True), encoding="utf-8")
        return self


@dataclass(frozen=True)
class WhisperInputs:
    """What the engine-neutral training step hands over, already parsed."""

    acoustic: Sequence[Any]  # AcousticDataset
    sentences: Sequence[str]  # plain/structured text, lexical form
    pronunciations: Sequence[tuple[str, str]]  # (spoken, display)
    locale: str
    fine_tune: FineTuneOptions = field(default_factory=FineTuneOptions)
    checkpoint_dir: Path | None = None  # kept between attempts: a killed job resumes here


def target_text(transcript: str, natural: bool = True) -> str:
    """What the model learns to write: the transcript as given, except ALL-CAPS transcripts
    (AN4's "ENTER SIX TWO FOUR"), written as Whisper writes: a capital to start, single letters
    upper-case, a full stop ("Enter six two four.", "C Q Q F."). Lowercased instead (`natural`
    False), the model learned to end its transcript at the first pause and wrote general
    speech worse (AN4 fold 0 model, JFK whole: smoke WER 0.2258 lowercased, 0.0215 natural,
    the base model's)."""
    if not transcript.isupper():
        return transcript
    if not natural:
        return transcript.lower()
    words = [w if len(w) == 1 else w.lower() for w in transcript.split()]
    if not words:
        return ""
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + "."


def _examples(datasets: Sequence[Any]) -> Iterator[TrainingExample]:
    from voxtune.data.acoustic import iter_training_audio

    for utterance, audio in iter_training_audio(datasets):
        yield TrainingExample(utterance.name, audio.samples, target_text(utterance.transcript))


def phrase_limit(longest_s: Seconds) -> Seconds:
    """The longest phrase a fine-tuned model decodes in one window: twice its longest training
    utterance, 10 to 30 s. Longer audio is cut at pauses and joined up to it. Chosen on the
    AN4 fold 0 model (longest 6.3 s) on a 25 s recording of the smoke clips: decoded whole,
    WER 0.0563; with phrases of at most 10-15 s 0.0282, the base model's."""
    return round(min(30.0, max(10.0, 2 * longest_s)), 1)


def prompt_from_text(sentences: Sequence[str]) -> str:
    """The domain's most frequent words, most frequent first."""
    counts = Counter(word for sentence in sentences for word in sentence.split())
    return ", ".join(word for word, _ in counts.most_common(PROMPT_WORDS))


def checkpoint_key(inputs: WhisperInputs, dataset_hashes: dict[str, str], base: str) -> str:
    """A checkpoint is resumed only by a training of the same data, base and options."""
    blob = json.dumps([sorted(dataset_hashes.items()), base, asdict(inputs.fine_tune)])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def train_whisper(
    base: ModelBundle,
    inputs: WhisperInputs,
    work: Path,
    dataset_hashes: dict[str, str],
    progress: Progress,
) -> dict[str, Any]:
    """Write the Whisper part of a bundle into `work`; returns manifest fields and the report
    parts that are the engine's own."""
    started = time.monotonic()
    uses: dict[str, str] = {}
    fine_tuning = None
    manifest: dict[str, Any] = {"model": None}
    decoder_options: dict[str, Any] = {"language": language_of(inputs.locale)}
    prompt = ""
    if inputs.acoustic:
        fine_tuning = _fine_tune(base, inputs, work, dataset_hashes, progress)
        manifest["model"] = MODEL_DIR
        decoder_options["cropped_window"] = True
        decoder_options["whole_up_to_s"] = phrase_limit(fine_tuning["longest_s"])
        uses["Acoustic"] = (
            f"fine-tuned low-rank adapters (rank {inputs.fine_tune.adapter_rank}) on the audio "
            "and its transcripts, merged into the model"
            if inputs.fine_tune.adapter_rank
            else "fine-tuned the whole model on the audio and its transcripts"
        )
        if inputs.sentences:
            uses["Language"] = (
                "not used: the model is fine-tuned on audio; a text prompt for "
                "a fine-tuned model was not measured"
            )
    elif inputs.sentences:
        prompt = prompt_from_text(inputs.sentences)
        decoder_options["prompt_text"] = prompt
        uses["Language"] = f"the {PROMPT_WORDS} most frequent words became the decoding context"
    if inputs.pronunciations:
        uses["Pronunciation"] = "each entry became a display rewrite (spoken form -> display)"
    elapsed = round(time.monotonic() - started, 1)
    return {
        "manifest": manifest,
        "decoder_options": decoder_options,
        "uses": uses,
        "fine_tuning": fine_tuning,
        "prompt_text": prompt,
        "elapsed_s": elapsed,
    }


def _fine_tune(
    base: ModelBundle,
    inputs: WhisperInputs,
    work: Path,
    dataset_hashes: dict[str, str],
    progress: Progress,
) -> dict[str, Any]:
    import tokenizers
    from faster_whisper.tokenizer import Tokenizer

    from voxtune.engine.whisper.torch_model import export_ct2, load_torch_model

    model_dir = base.model_dir
    progress("loading the base model", 0.02)
    model = load_torch_model(model_dir)
    multilingual = model.config.vocab_size >= 51865  # tiny.en & co. have 51864 tokens
    tokenizer = Tokenizer(
        tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json")),
        multilingual,
        task="transcribe",
        language=language_of(inputs.locale) if multilingual else "en",
    )
    prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    key = checkpoint_key(inputs, dataset_hashes, base.name)
    scratch = (inputs.checkpoint_dir or work / ".fine-tuning") / key

    def step_progress(step: int, total: int, loss: float) -> None:
        progress(f"fine-tuning step {step}/{total} (loss {loss:.3f})", 0.05 + 0.9 * step / total)

    report = fine_tune(
        model,
        _examples(inputs.acoustic),
        prompt,
        lambda text: tokenizer.encode(" " + text.strip()),
        tokenizer.eot,
        scratch,
        inputs.fine_tune,
        step_progress,
    )
    progress("writing the model", 0.96)
    export_ct2(model, model_dir, work / MODEL_DIR)
    if inputs.checkpoint_dir is None:
        import shutil

        shutil.rmtree(work / ".fine-tuning", ignore_errors=True)
    if report.utterances == 0:
        raise TrainingError("the Acoustic datasets contain no audio usable for fine-tuning")
    return report.to_json()
