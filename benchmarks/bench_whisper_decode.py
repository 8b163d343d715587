"""Whisper decoding: voxtune against raw faster-whisper on the same files, and real-time factors.

    python benchmarks/bench_whisper_decode.py [--models whisper-tiny.en,whisper-base]
        [--sets an4-dev,smoke] [--runs 3] [--limit K] [--sides cli,matched,raw]

Every side is a fresh process over all the files of a set, one model load per process; the
sides run interleaved run by run (their order rotating) so machine noise hits them alike, and
each figure is a median over --runs. Two times are taken per process: `decode` (model load
EXCLUDED on every side: from the loaded model to the last file's text, audio reading
included) and `process` (model load INCLUDED on every side: the whole process, interpreter
start and imports too, timed from outside). RTF = decode seconds / audio seconds. The ratios
are against `raw` on the same model and set. The WER of every side, from its last run, scored
with voxtune.scoring.score against the dataset's normalized transcripts, and the count of
files whose words differ from raw's show the sides did the same work.

Sides:
  cli      `voxtune transcribe --model NAME --form lexical FILES...` (voxtune's CLI in-process
           under a wrapper that times its model load; the `voxtune` script runs the same code).
           voxtune's defaults, which do MORE work than raw: 5-best (num_hypotheses=5) and word
           timings from the cross-attention alignment (find_alignment, one more decoder pass).
  matched  the library, same work as raw: open_recognizer(load_bundle(NAME),
           RecognitionOptions(max_alternatives=1, word_timestamps=False)).recognize(
           load_audio(path)) over all files. The target is matched/raw <= 1.05.
  raw      the least a program can do with faster-whisper: WhisperModel(model_dir, device="cpu",
           compute_type="int8", cpu_threads=0).transcribe(path, **RAW_SETTINGS) per file.
  raw-words  (not by default) raw with word_timestamps=True: faster-whisper's own word timings.
           Not the same work: without timestamp tokens, faster-whisper seeks to the last word's
           end and decodes the rest of the window again (2 to 9 windows per clip instead of 1
           on the first AN4 clips with whisper-tiny.en, hallucinated "Go. Go. Go." / "Thank
           you very much." tails), so it is slower and scores worse than voxtune's alignment
           of the one decode.

Settings matched to voxtune's recognizer (engine/whisper/recognizer.py, a base bundle's
decoder_options are {}, so WhisperDecoding's defaults):
  device cpu, compute_type int8 (every side runs with CUDA_VISIBLE_DEVICES="": voxtune would
    pick cuda/float16 on a GPU), cpu_threads=0 (CTranslate2's default, 4 threads), 1 worker
  language "en" (bundle locale en-US), task transcribe, no language detection
  beam_size 5, patience 1, length_penalty 1, repetition_penalty 1, no_repeat_ngram_size 0
  temperature 0.0 only: no temperature fallback (voxtune decodes once), so the compression
    ratio / log-prob thresholds are off; no_speech_threshold None (voxtune skips nothing)
  without_timestamps True (voxtune's prompt ends in <|notimestamps|>)
  initial_prompt None (a base bundle's prompt_text is ""); condition_on_previous_text True
    (voxtune conditions on the phrases before; every clip here is one <= 30 s phrase, so
    neither side has previous text)
  suppress_blank True, suppress_tokens [-1] (faster-whisper's list; voxtune asks for the same)
  max_new_tokens 224 (voxtune's max_tokens: max_length = prompt + 224)
  vad_filter False: voxtune cuts at pauses only above whole_up_to_s (30 s); every clip of both
    sets is shorter, so both decode each file as one 30 s encoder window (voxtune checks the
    audio is not digital silence first)
The texts of matched and raw differ only where the features of the padding do: voxtune pads
the 30 s window with the clip's own log-mel floor (features.py), faster-whisper with zeros
(AN4 cen1-fash-b, whisper-tiny.en: "h i and i see h" against "h i n i c h"; voxtune's decoder
on faster-whisper's features gives raw's text); the table counts those files.
Where the matched side's work still differs from raw's: it reads audio with voxtune's decoder
(soundfile + soxr) where raw uses PyAV; it checks each clip for sound (frame energies); it
normalizes the text to the lexical form. Raw always asks CTranslate2 for the no-speech
probability. The cli side also formats the display form and draws a progress bar.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
MODELS = ("whisper-tiny.en", "whisper-base")
SETS = ("an4-dev", "smoke")
SIDES = ("cli", "matched", "raw", "raw-words")
DEFAULT_SIDES = ("cli", "matched", "raw")
WHOLE_UP_TO_S = 30.0  # voxtune decodes audio up to this long as one phrase (no VAD)

RAW_SETTINGS = {
    "language": "en",
    "task": "transcribe",
    "beam_size": 5,
    "patience": 1,
    "length_penalty": 1,
    "repetition_penalty": 1,
    "no_repeat_ngram_size": 0,
    "temperature": 0.0,
    "compression_ratio_threshold": None,
    "log_prob_threshold": None,
    "no_speech_threshold": None,
    "condition_on_previous_text": True,
    "initial_prompt": None,
    "suppress_blank": True,
    "suppress_tokens": [-1],
    "without_timestamps": True,
    "word_timestamps": False,
    "max_new_tokens": 224,
    "vad_filter": False,
}
MATCHED_OPTIONS = {"max_alternatives": 1, "word_timestamps": False}

# Each child: argv = [timings.json, model, settings (JSON), *files]; writes load_s, decode_s
# and (but the CLI, whose text is its stdout) one text per file.
RAW = r"""
import json, sys, time
from faster_whisper import WhisperModel
out, model_dir, settings, *paths = sys.argv[1:]
settings = json.loads(settings)
loading = time.perf_counter()
model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=0)
loaded = time.perf_counter()
texts = []
for path in paths:
    segments, _ = model.transcribe(path, **settings)
    texts.append("".join(segment.text for segment in segments))
done = time.perf_counter()
with open(out, "w") as f:
    json.dump({"load_s": loaded - loading, "decode_s": done - loaded, "texts": texts}, f)
"""

LIBRARY = r"""
import json, sys, time
from voxtune.audio import load_audio
from voxtune.engine import RecognitionOptions, load_bundle, open_recognizer
out, model, settings, *paths = sys.argv[1:]
loading = time.perf_counter()
recognizer = open_recognizer(load_bundle(model), RecognitionOptions(**json.loads(settings)))
loaded = time.perf_counter()
texts = [recognizer.recognize(load_audio(path, target_rate_hz=16000)).lexical for path in paths]
done = time.perf_counter()
with open(out, "w") as f:
    json.dump({"load_s": loaded - loading, "decode_s": done - loaded, "texts": texts}, f)
"""

# `voxtune transcribe` itself, with its model load timed: the console script calls the same
# click command; the wrapper only wraps the one function that loads the model.
CLI = r"""
import json, sys, time
import voxtune.engine.parallel as parallel
from voxtune.cli.main import cli
out, model, _, *paths = sys.argv[1:]
marks = {}
opener = parallel.open_recognizer_for
def timed_open(*args, **kwargs):
    marks["loading"] = time.perf_counter()
    recognizer = opener(*args, **kwargs)
    marks["loaded"] = time.perf_counter()
    return recognizer
parallel.open_recognizer_for = timed_open
code = 0
try:
    cli(["transcribe", "--model", model, "--form", "lexical", *paths], prog_name="voxtune")
except SystemExit as exc:
    code = exc.code
done = time.perf_counter()
with open(out, "w") as f:
    json.dump({"load_s": marks["loaded"] - marks["loading"],
               "decode_s": done - marks["loaded"]}, f)
sys.exit(code)
"""


@dataclass(frozen=True)
class Clip:
    name: str
    path: str
    reference: str  # the dataset's normalized transcript
    duration_s: float


@dataclass
class Run:
    process_s: float
    load_s: float
    decode_s: float
    texts: list[str]


def _smoke_zip() -> bytes:
    """The smoke clips as a Custom Speech zip (audio + trans.txt), as whisper_folds.py reads."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted((SHARED / "smoke").iterdir()):
            if path.suffix in (".wav", ".flac", ".txt"):
                archive.write(path, path.name)
    return out.getvalue()


def load_set(name: str, into: Path, limit: int) -> list[Clip]:
    """The set's utterances (the first `limit`, 0: all) as audio files under `into`."""
    import soundfile

    from voxtune.data import iter_audio, parse_acoustic

    dataset = parse_acoustic(SHARED / "an4" / "dev.zip" if name == "an4-dev" else _smoke_zip())
    folder = into / name
    folder.mkdir(parents=True)
    clips = []
    for index, (utterance, data) in enumerate(iter_audio(dataset)):
        if limit and index >= limit:
            break
        path = folder / f"{index:04d}-{Path(utterance.member).name}"
        path.write_bytes(data)
        duration = soundfile.info(str(path)).duration
        if duration > WHOLE_UP_TO_S:
            print(
                f"warning: {utterance.name} lasts {duration:.1f} s: voxtune cuts it at "
                "pauses (VAD) where raw does not",
                file=sys.stderr,
            )
        clips.append(Clip(utterance.name, str(path), utterance.normalized, duration))
    return clips


def run_side(side: str, model: str, model_dir: Path, paths: list[str], scratch: Path) -> Run:
    out = scratch / f"{side}.json"
    out.unlink(missing_ok=True)
    if side == "cli":
        script, target, settings = CLI, model, "{}"
    elif side == "matched":
        script, target, settings = LIBRARY, model, json.dumps(MATCHED_OPTIONS)
    else:
        words = {**RAW_SETTINGS, "word_timestamps": side == "raw-words"}
        script, target, settings = RAW, str(model_dir), json.dumps(words)
    command = [sys.executable, "-c", script, str(out), target, settings, *paths]
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    process_s = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{side} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    timings = json.loads(out.read_text())
    texts = timings.get("texts") or _cli_texts(done.stdout, paths)
    return Run(process_s, timings["load_s"], timings["decode_s"], texts)


def _cli_texts(stdout: str, paths: list[str]) -> list[str]:
    """`voxtune transcribe` prints `path<TAB>text` per file (only the text for one file)."""
    if len(paths) == 1:
        return [stdout.strip()]
    texts = dict(line.split("\t", 1) for line in stdout.splitlines() if "\t" in line)
    return [texts.get(path, "") for path in paths]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        names = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = ", ".join(f"{p} {_version(p)}" for p in ("voxtune", "faster-whisper", "ctranslate2"))
    commit = (
        subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        or "?"
    )
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {cores} cores usable, "
        f"load average {_load()}; Python {platform.python_version()}, {versions}; "
        f"commit {commit}"
    )


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", default=",".join(MODELS), help="comma-separated Whisper base models"
    )
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {SETS}")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first K files of a set")
    parser.add_argument(
        "--sides",
        default=",".join(DEFAULT_SIDES),
        help=f"comma-separated, of {SIDES}; raw is always run",
    )
    args = parser.parse_args()
    models = [m for m in args.models.split(",") if m]
    sets = [s for s in args.sets.split(",") if s]
    sides = [s for s in args.sides.split(",") if s]
    if "raw" not in sides:
        sides.append("raw")
    for value, known in [*((s, SETS) for s in sets), *((s, SIDES) for s in sides)]:
        if value not in known:
            parser.error(f"{value!r} is not one of {known}")

    from voxtune.engine import load_bundle
    from voxtune.scoring import score

    command = shlex.join(["python", "benchmarks/bench_whisper_decode.py", *sys.argv[1:]])
    print(f"command: {command}")
    print(f"machine: {machine()}")
    model_dirs = {m: load_bundle(m).model_dir for m in models}  # assembled into the cache now
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-whisper-") as tmp:
        scratch = Path(tmp)
        clips_of = {name: load_set(name, scratch, args.limit) for name in sets}
        for model in models:
            for name in sets:
                clips = clips_of[name]
                paths = [c.path for c in clips]
                for side in sides:  # warm-up: imports, page cache, the model files
                    run_side(side, model, model_dirs[model], paths[:1], scratch)
                runs: dict[str, list[Run]] = {side: [] for side in sides}
                for index in range(args.runs):
                    shift = index % len(sides)
                    for side in sides[shift:] + sides[:shift]:
                        runs[side].append(run_side(side, model, model_dirs[model], paths, scratch))
                        print(
                            f"  {model} {name} run {index + 1} {side}: "
                            f"decode {runs[side][-1].decode_s:.2f} s, "
                            f"process {runs[side][-1].process_s:.2f} s",
                            file=sys.stderr,
                        )
                rows.append((model, name, clips, runs))
    print(f"load average after: {_load()}")
    print()
    print(
        "| model | set | files | audio s | side | load s | decode s | process s | RTF "
        "| WER | texts != raw | decode / raw | process / raw |"
    )
    print("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for model, name, clips, runs in rows:
        audio_s = sum(c.duration_s for c in clips)
        decode = {s: statistics.median(r.decode_s for r in rs) for s, rs in runs.items()}
        process = {s: statistics.median(r.process_s for r in rs) for s, rs in runs.items()}
        load = {s: statistics.median(r.load_s for r in rs) for s, rs in runs.items()}
        raw_texts = runs["raw"][-1].texts
        for side, side_runs in runs.items():
            texts = side_runs[-1].texts
            differ = sum(_words(a) != _words(b) for a, b in zip(texts, raw_texts, strict=True))
            wer = score([(c.name, c.reference, t) for c, t in zip(clips, texts, strict=True)]).wer
            steady = "" if all(r.texts == texts for r in side_runs) else " (texts vary by run)"
            print(
                f"| {model} | {name} | {len(clips)} | {audio_s:.1f} | {side}{steady} "
                f"| {load[side]:.2f} | {decode[side]:.2f} | {process[side]:.2f} "
                f"| {decode[side] / audio_s:.3f} "
                f"| {wer:.4f} | {differ} | {decode[side] / decode['raw']:.3f} "
                f"| {process[side] / process['raw']:.3f} |"
            )
    print()
    print(
        f"Medians of {args.runs} interleaved runs, fresh processes. decode: model load "
        "excluded on every side; process: model load, interpreter start and imports "
        "included on every side. RTF = decode s / audio s. cli: `voxtune transcribe` "
        "(5-best + word alignment); matched: voxtune with raw's work (1-best, no word "
        "timings), target matched/raw <= 1.05; raw: faster-whisper transcribe(). "
        "texts != raw: files whose lexical words differ from raw's (voxtune pads the 30 s "
        "window's features with the clip's floor, faster-whisper with zeros)."
    )


def _words(text: str) -> list[str]:
    from voxtune.text.normalize import normalize_lexical

    return normalize_lexical(text, "en-US").split()


if __name__ == "__main__":
    main()
