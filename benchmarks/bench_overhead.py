"""Overhead and throughput of `voxtune transcribe` against the raw pocketsphinx decoder.

Both sides run as fresh processes on the same files, interleaved run by run so machine noise
hits both alike; the figure is the ratio of medians. The raw side is the least a program can
do: create one Decoder with the same model, read each WAV's PCM, decode it as one utterance.

    python benchmarks/bench_overhead.py [--runs 5] [--set an4-dev|smoke]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
VOXTUNE = Path(sys.executable).parent / "voxtune"

RAW_DECODER = r"""
import sys, wave
from pocketsphinx import Decoder
decoder = Decoder(loglevel="ERROR")
for path in sys.argv[1:]:
    with wave.open(path, "rb") as w:
        pcm = w.readframes(w.getnframes())
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    print(path, hyp.hypstr if hyp else "")
"""


def extract_set(name: str, into: Path) -> tuple[list[Path], float]:
    """The benchmark's audio as 16 kHz mono WAV files, and their total duration."""
    import soundfile as sf

    if name == "an4-dev":
        with zipfile.ZipFile(SHARED / "an4" / "dev.zip") as archive:
            for member in archive.namelist():
                if member.endswith(".wav"):
                    archive.extract(member, into)
        files = sorted(into.glob("*.wav"))
    else:
        files = sorted((SHARED / "smoke").glob("*.wav"))
    duration = sum(sf.info(str(f)).duration for f in files)
    return files, duration


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--set", default="an4-dev", choices=["an4-dev", "smoke"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files, duration = extract_set(args.set, Path(tmp))
        paths = [str(f) for f in files]
        commands = {
            "raw decoder": [sys.executable, "-c", RAW_DECODER, *paths],
            "voxtune transcribe --jobs 1": [str(VOXTUNE), "transcribe", "--jobs", "1", *paths],
            "voxtune transcribe --jobs 2": [str(VOXTUNE), "transcribe", "--jobs", "2", *paths],
        }
        timed(commands["raw decoder"])  # warm the page cache for every side alike
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    raw = medians["raw decoder"]
    result = {
        "set": args.set,
        "files": len(files),
        "audio_s": round(duration, 1),
        "runs": args.runs,
        "machine": f"{platform.machine()} {platform.processor() or ''} cores={_cores()}".strip(),
        "median_s": {k: round(v, 2) for k, v in medians.items()},
        "rtf": {k: round(v / duration, 3) for k, v in medians.items()},
        "ratio_vs_raw": {k: round(v / raw, 3) for k, v in medians.items()},
        "throughput_audio_s_per_s": {k: round(duration / v, 2) for k, v in medians.items()},
    }
    print(json.dumps(result, indent=2))


def _cores() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
