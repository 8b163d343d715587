"""Fine-tuning a Whisper model on (audio, transcript) pairs with PyTorch.

The recipe (chosen on held-out AN4 training speakers, figures in BENCHMARKS.md): low-rank
adapters on every projection of the model (merged afterwards), AdamW with linear warm-up and
decay, the encoder window cropped to each utterance (features.py), batches of similar
lengths. After training the weights can be pulled back towards the base model (WiSE-FT,
`base_weight`).

Audio never sits in memory as a whole: a first pass spools each utterance's log-mel features
to one float16 file in the work directory, batches are read from it (memory-mapped). Every
`checkpoint_every_steps` the model, optimizer, schedule and random state are saved
atomically; a training started again on the same work directory resumes from there.
Same inputs and seed on one machine give the same weights (one thread count, fixed order).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from voxtune.engine.whisper.features import SAMPLE_RATE_HZ, WINDOW_SAMPLES, log_mel, pad_frames
from voxtune.errors import TrainingError
from voxtune.units import Seconds

if TYPE_CHECKING:
    import torch

FEATURES_FILE = "features.f16"
INDEX_FILE = "features.json"
CHECKPOINT_FILE = "checkpoint.pt"


@dataclass(frozen=True)
class FineTuneOptions:
    epochs: int = 1  # passes over the training audio
    # AdamW peak learning rate: 5e-4 suits the adapters; with adapter_rank 0 (the whole model)
    # session 5 used 5e-5. LoRA 1e-3 made the model stop at pauses again (smoke WER 0.2258).
    learning_rate: float = 5e-4
    batch_size: int = 16  # utterances per optimizer step
    warmup_fraction: float = 0.1  # of all steps, linear warm-up from 0
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    train_encoder: bool = True  # False: decoder only (forgets general speech faster, measured)
    # WiSE-FT: final = (1 - base_weight) * fine-tuned + base_weight * base; 0 keeps the tuned
    base_weight: float = 0.0
    # Every n-th utterance is also trained joined to the one before it, after a pause of
    # `joined_pause_s`: trained on single short utterances only, the model learns to stop at
    # the first pause (JFK cut after "and so my fellow americans"). Measured on AN4 fold 0:
    # every 2nd joined: held-out 0.0123 -> 0.0191, smoke 0.226 -> 0.129, 6.4 GB; off by default.
    joined_every: int = 0
    joined_pause_s: Seconds = 0.8
    # SpecAugment: per utterance, 2 frequency masks of up to 27 mel bands and 2 time masks of
    # up to 5 % of its frames, set to 0 (as transformers' Whisper masking does)
    spec_augment: bool = False
    # Low-rank adapters (LoRA) of this rank on every attention and feed-forward projection,
    # merged into the weights after training; 0 trains the weights themselves. Measured on
    # AN4 folds (whisper-base, natural targets, BENCHMARKS.md): the whole model at 5e-5 gave
    # fold 0 0.0123 but fold 1 0.0808 (110 insertions, repeated words) and smoke 0.129;
    # rank 32 at 5e-4 gave 0.0111 / 0.0131 with smoke 0.0215 / 0.043, in half the time.
    adapter_rank: int = 32
    adapter_alpha: float = 0.0  # LoRA's scale numerator; 0: twice the rank
    # Learning without forgetting: the loss adds this times KL(base || tuned) of the next-token
    # distributions at the target positions (not the end; see distill_agreeing_only), the base
    # being the same model with its adapters off (one more forward pass, no gradient). What
    # the AN4 model lost on general speech was language, not hearing: it spelled ("f i t o
    # d o") and wrote sound-alike nonsense ("the letter to distance sentry"); keeping the
    # base's distributions keeps its language model. Needs adapters (adapter_rank > 0).
    # Measured on AN4 fold 0 (whisper-base, BENCHMARKS.md): without it held-out 0.0111,
    # general speech (choice speakers) 0.2592 against the base model's 0.1355; with 1.0
    # (agreeing positions only) 0.0258 and 0.1405; with 0.3 at every position 0.0283 and
    # 0.1639. General speech is the binding constraint, so 1.0. Session 8 (same fold): 0.5 gave
    # 0.0160 / 0.1739, two epochs 0.0203 / 0.1589, decoupled (non-target) distillation 0.0313 /
    # 0.1505: one trade-off curve, no setting meets both targets (BENCHMARKS.md).
    distill_weight: float = 1.0
    # only where the base model's most likely token is the target's: elsewhere (its "Enter
    # 624." for "enter six two four") the pull would fight the transcript
    distill_agreeing_only: bool = True
    seed: int = 0
    checkpoint_every_steps: int = 20
    threads: int = 0  # torch CPU threads; 0: all cores


@dataclass(frozen=True)
class TrainingExample:
    name: str
    samples: Any  # float32 mono 16 kHz
    text: str  # the target transcript, as the model should write it


@dataclass
class FineTuneReport:
    options: dict[str, Any]
    utterances: int
    audio_s: Seconds
    steps: int
    losses: list[float] = field(default_factory=list)  # mean loss per step (learning curve)
    step_s: list[float] = field(default_factory=list)  # wall time per step
    resumed_from_step: int = 0
    elapsed_s: Seconds = 0.0
    longest_s: Seconds = 0.0  # the longest training utterance

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[int, int, float], None]  # (step, total steps, loss)


@dataclass(frozen=True)
class _Item:
    name: str
    offset: int  # in frames, into the spooled feature file
    frames: int
    tokens: tuple[int, ...]


def with_joined(
    examples: Iterable[TrainingExample], every: int, pause_s: Seconds
) -> Iterator[TrainingExample]:
    """The examples, and every `every`-th also joined to its predecessor after a pause."""
    previous: TrainingExample | None = None
    for number, example in enumerate(examples, start=1):
        yield example
        if every and previous is not None and number % every == 0:
            gap = np.zeros(int(pause_s * SAMPLE_RATE_HZ), dtype=np.float32)
            samples = np.concatenate([previous.samples, gap, example.samples])
            if len(samples) <= WINDOW_SAMPLES:
                yield TrainingExample(
                    f"{previous.name}+{example.name}", samples, f"{previous.text} {example.text}"
                )
        previous = example


def spool_features(
    examples: Iterable[TrainingExample],
    encode_text: Callable[[str], list[int]],
    work: Path,
    n_mels: int,
) -> list[_Item]:
    """Write every example's features to `work`; reuse them when a resumed training finds them."""
    index_path = work / INDEX_FILE
    if index_path.is_file():
        return [
            _Item(i["name"], i["offset"], i["frames"], tuple(i["tokens"]))
            for i in json.loads(index_path.read_text("utf-8"))
        ]
    items: list[_Item] = []
    offset = 0
    with (work / (FEATURES_FILE + ".tmp")).open("wb") as out:
        for example in examples:
            features = log_mel(example.samples, n_mels)
            tokens = encode_text(example.text)
            if not tokens:
                continue
            out.write(features.T.astype(np.float16).tobytes())
            items.append(_Item(example.name, offset, features.shape[1], tuple(tokens)))
            offset += features.shape[1]
    (work / (FEATURES_FILE + ".tmp")).replace(work / FEATURES_FILE)
    index_path.write_text(json.dumps([asdict(i) for i in items]), "utf-8")
    return items


def batches_of(items: list[_Item], batch_size: int, epochs: int, seed: int) -> list[list[int]]:
    """Indices per step: utterances of similar length together (little padding), batch order
    shuffled per epoch by `seed`."""
    order = sorted(range(len(items)), key=lambda i: (items[i].frames, items[i].name))
    groups = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    steps: list[list[int]] = []
    for epoch in range(epochs):
        shuffled = list(groups)
        random.Random(seed * 1000 + epoch).shuffle(shuffled)
        steps.extend(shuffled)
    return steps


def fine_tune(
    model: Any,
    examples: Iterable[TrainingExample],
    prompt: list[int],
    encode_text: Callable[[str], list[int]],
    end_token: int,
    work: Path,
    options: FineTuneOptions,
    on_progress: Progress | None = None,
) -> FineTuneReport:
    """Train `model` (a transformers WhisperForConditionalGeneration) in place.

    `prompt` is the decoder's start sequence (start of transcript, language, task, no
    timestamps); each target is the transcript's tokens and `end_token`.
    """
    import torch

    from voxtune.engine.whisper.torch_model import encode_cropped

    if options.distill_weight > 0 and not options.adapter_rank:
        raise TrainingError(
            "distillation compares with the adapters off: it needs adapter_rank > 0"
        )
    started = time.monotonic()
    torch.manual_seed(options.seed)
    torch.set_num_threads(options.threads or os.cpu_count() or 1)
    work.mkdir(parents=True, exist_ok=True)
    n_mels = model.config.num_mel_bins
    joined = with_joined(examples, options.joined_every, options.joined_pause_s)
    items = spool_features(joined, encode_text, work, n_mels)
    if not items:
        raise TrainingError("no utterance with audio and a transcript to fine-tune on")
    frames_total = sum(i.frames for i in items)
    features = np.memmap(
        work / FEATURES_FILE, dtype=np.float16, mode="r", shape=(frames_total, n_mels)
    )
    steps = batches_of(items, options.batch_size, options.epochs, options.seed)
    base_state = (
        {k: v.detach().clone() for k, v in model.state_dict().items()}
        if options.base_weight > 0
        else None
    )
    if not options.train_encoder:
        model.model.encoder.requires_grad_(False)
    model.model.encoder.embed_positions.requires_grad_(False)
    model.model.decoder.embed_positions.requires_grad_(False)
    adapters = (
        add_adapters(
            model,
            options.adapter_rank,
            options.adapter_alpha or 2.0 * options.adapter_rank,
            model if options.train_encoder else model.model.decoder,
        )
        if options.adapter_rank
        else []
    )
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        parameters, lr=options.learning_rate, weight_decay=options.weight_decay
    )
    warmup = max(1, int(len(steps) * options.warmup_fraction))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda s: min((s + 1) / warmup, max(0.0, (len(steps) - s) / max(1, len(steps) - warmup))),
    )
    report = FineTuneReport(asdict(options), len(items), round(frames_total / 100, 1), len(steps))
    report.longest_s = max(i.frames for i in items) / 100
    start_step = _resume(work / CHECKPOINT_FILE, model, optimizer, schedule, report)
    report.resumed_from_step = start_step
    model.train()
    for step in range(start_step, len(steps)):
        tick = time.monotonic()
        augment = np.random.default_rng([options.seed, step]) if options.spec_augment else None
        loss = _step(
            model,
            [items[i] for i in steps[step]],
            features,
            prompt,
            end_token,
            encode_cropped,
            augment,
            adapters if options.distill_weight > 0 else [],
            options.distill_weight,
            options.distill_agreeing_only,
        )
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(parameters, options.max_grad_norm)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        report.losses.append(round(float(loss.detach()), 5))
        report.step_s.append(round(time.monotonic() - tick, 3))
        done = step + 1
        if done % options.checkpoint_every_steps == 0 and done < len(steps):
            _save_checkpoint(work / CHECKPOINT_FILE, model, optimizer, schedule, report, done)
        if on_progress is not None:
            on_progress(done, len(steps), report.losses[-1])
    model.eval()
    merge_adapters(model, adapters)
    if base_state is not None:
        _interpolate(model, base_state, options.base_weight)
    del features
    report.elapsed_s = round(time.monotonic() - started, 1)
    return report


def _step(
    model: Any,
    batch: list[_Item],
    features: Any,
    prompt: list[int],
    end_token: int,
    encode: Callable[[Any, Any], Any],
    augment: np.random.Generator | None = None,
    adapters: list[tuple[Any, str, Any]] | None = None,
    distill_weight: float = 0.0,
    distill_agreeing_only: bool = True,
) -> torch.Tensor:
    import torch

    frames = max(item.frames for item in batch)
    clips = [np.asarray(features[i.offset : i.offset + i.frames], np.float32).T for i in batch]
    if augment is not None:
        clips = [spec_augment(clip, augment) for clip in clips]
    mels = np.stack([pad_frames(clip, frames) for clip in clips])
    targets = [[*i.tokens, end_token] for i in batch]
    length = len(prompt) + max(len(t) for t in targets) - 1
    inputs = torch.full((len(batch), length), end_token, dtype=torch.long)
    labels = torch.full((len(batch), length), -100, dtype=torch.long)
    for row, target in enumerate(targets):
        sequence = prompt + target
        inputs[row, : len(sequence) - 1] = torch.tensor(sequence[:-1])
        # position p predicts token p + 1; the prompt itself is not a target
        labels[row, len(prompt) - 1 : len(sequence) - 1] = torch.tensor(target)
    features_in = torch.from_numpy(mels)
    encoded = encode(model, features_in)
    logits = model(encoder_outputs=(encoded,), decoder_input_ids=inputs).logits
    loss: torch.Tensor = torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100
    )
    if adapters:
        with torch.no_grad(), _adapters_off(adapters):
            base_logits = model(
                encoder_outputs=(encode(model, features_in),), decoder_input_ids=inputs
            ).logits
        # not where the target ends: on a cropped window the base model does not want to stop
        # (it ran on for 1184 inserted words on AN4 fold 0 when this position was kept)
        scored = (labels != -100) & (labels != end_token)
        if distill_agreeing_only:
            scored &= base_logits.argmax(-1) == labels
        if scored.any():
            base_log = torch.nn.functional.log_softmax(base_logits[scored], dim=-1)
            tuned_log = torch.nn.functional.log_softmax(logits[scored], dim=-1)
            divergence = (base_log.exp() * (base_log - tuned_log)).sum(-1).mean()
            loss = loss + distill_weight * divergence
    if not math.isfinite(float(loss.detach())):
        raise TrainingError("fine-tuning diverged (loss is not finite); lower the learning rate")
    return loss


ADAPTED = ("q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2")


def add_adapters(
    model: Any, rank: int, alpha: float, within: Any = None
) -> list[tuple[Any, str, Any]]:
    """Freeze the model and put a LoRA adapter beside each projection of `within` (default: the
    whole model); returns (parent, name, adapter) for `merge_adapters`."""
    import torch

    class LoraLinear(torch.nn.Module):
        def __init__(self, base: torch.nn.Linear) -> None:
            super().__init__()
            self.base = base
            self.down = torch.nn.Parameter(torch.empty(rank, base.in_features))
            self.up = torch.nn.Parameter(torch.zeros(base.out_features, rank))
            torch.nn.init.kaiming_uniform_(self.down, a=math.sqrt(5))
            self.scale = alpha / rank
            self.enabled = True

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if not self.enabled:
                plain: torch.Tensor = self.base(x)
                return plain
            adapted: torch.Tensor = self.base(x) + (x @ self.down.T @ self.up.T) * self.scale
            return adapted

    model.requires_grad_(False)
    adapters = []
    for parent in list((model if within is None else within).modules()):
        for name, child in list(parent.named_children()):
            if name in ADAPTED and isinstance(child, torch.nn.Linear):
                adapter = LoraLinear(child)
                setattr(parent, name, adapter)
                adapters.append((parent, name, adapter))
    return adapters


@contextlib.contextmanager
def _adapters_off(adapters: list[tuple[Any, str, Any]]) -> Iterator[None]:
    """The base model's forward pass, for the distillation term."""
    for _, _, adapter in adapters:
        adapter.enabled = False
    try:
        yield
    finally:
        for _, _, adapter in adapters:
            adapter.enabled = True


def merge_adapters(model: Any, adapters: list[tuple[Any, str, Any]]) -> None:
    """Fold each adapter into its projection's weight and put the projection back."""
    import torch

    with torch.no_grad():
        for parent, name, adapter in adapters:
            adapter.base.weight += (adapter.up @ adapter.down) * adapter.scale
            setattr(parent, name, adapter.base)


def spec_augment(clip: Any, rng: np.random.Generator) -> Any:
    """A copy of (n_mels, frames) features with 2 frequency and 2 time masks set to 0."""
    masked = clip.copy()
    bands, frames = masked.shape
    for _ in range(2):
        width = int(rng.integers(0, min(27, bands // 3) + 1))
        start = int(rng.integers(0, bands - width + 1))
        masked[start : start + width, :] = 0.0
    for _ in range(2):
        width = int(rng.integers(0, max(1, frames // 20) + 1))
        start = int(rng.integers(0, frames - width + 1))
        masked[:, start : start + width] = 0.0
    return masked


def _interpolate(model: Any, base_state: dict[str, Any], base_weight: float) -> None:
    import torch

    with torch.no_grad():
        for name, value in model.state_dict().items():
            if value.is_floating_point():
                value.mul_(1.0 - base_weight).add_(base_state[name], alpha=base_weight)


def _save_checkpoint(
    path: Path, model: Any, optimizer: Any, schedule: Any, report: FineTuneReport, step: int
) -> None:
    import torch

    state = {
        "step": step,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "losses": report.losses,
        "step_s": report.step_s,
        "torch_rng": torch.get_rng_state(),
    }
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def _resume(path: Path, model: Any, optimizer: Any, schedule: Any, report: FineTuneReport) -> int:
    import torch

    if not path.is_file():
        return 0
    try:
        state = torch.load(path, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        torch.set_rng_state(state["torch_rng"])
    except (OSError, RuntimeError, KeyError, EOFError) as exc:
        path.unlink(missing_ok=True)  # a torn checkpoint: start over rather than fail
        raise TrainingError(f"the training checkpoint could not be read: {exc}") from exc
    report.losses[:] = state["losses"]
    report.step_s[:] = state["step_s"]
    step: int = state["step"]
    return step
