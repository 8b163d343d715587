"""Training time and peak memory of `voxtune train`, and the trained model's WER.

    python benchmarks/bench_training.py an4   # train.zip + train-text.txt -> WER on dev.zip
                                              # and on the smoke clips (general speech)
    python benchmarks/bench_training.py fsdd  # 3 FSDD speakers -> WER on the 4th (held out)
    python benchmarks/bench_training.py an4 --base whisper-base   # the same from Whisper base:
                                              # + general/dev.zip (general read speech)

Peak memory is of the whole process tree (training fans out to decoder processes): the sum of
the RSS of `voxtune train` and its descendants, sampled every 0.1 s from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from bench_wer import smoke_zip

from voxtune.evaluation import evaluate_dataset

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
VOXTUNE = Path(sys.executable).parent / "voxtune"
FSDD_SPEAKERS = ("jackson", "theo", "lucas", "yweweler")


def tree_rss_bytes(root: int) -> int:
    """RSS of `root` and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def run_measured(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss_bytes(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"training failed:\n{output.decode(errors='replace')}")
    return time.perf_counter() - start, peak[0]


def split_fsdd(held_out: str, into: Path) -> tuple[Path, Path]:
    """FSDD names are digit_speaker_index.wav: train on three speakers, test on the fourth."""
    train, test = into / "fsdd-train.zip", into / f"fsdd-{held_out}.zip"
    with zipfile.ZipFile(SHARED / "fsdd" / "train.zip") as source:
        lines = source.read("trans.txt").decode("utf-8-sig").splitlines()
        with zipfile.ZipFile(train, "w") as out_train, zipfile.ZipFile(test, "w") as out_test:
            kept: dict[bool, list[str]] = {True: [], False: []}
            for line in lines:
                name = line.split("\t")[0]
                is_test = name.split("_")[1] == held_out
                kept[is_test].append(line)
                (out_test if is_test else out_train).writestr(name, source.read(name))
            out_train.writestr("trans.txt", "\n".join(kept[False]) + "\n")
            out_test.writestr("trans.txt", "\n".join(kept[True]) + "\n")
    return train, test


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("set", choices=["an4", "fsdd"])
    parser.add_argument("--held-out", default="theo", choices=FSDD_SPEAKERS)
    parser.add_argument("--base", default="base", help="the base model to train from")
    args = parser.parse_args()
    whisper = args.base.startswith("whisper")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model"
        if args.set == "an4":
            train_args = ["--acoustic", str(SHARED / "an4" / "train.zip"),
                          "--text", str(SHARED / "an4" / "train-text.txt")]
            test_sets = {"an4-dev": SHARED / "an4" / "dev.zip", "smoke": smoke_zip(Path(tmp))}
            if whisper:
                test_sets["general"] = SHARED / "general" / "dev.zip"
        else:
            train_zip, test_zip = split_fsdd(args.held_out, Path(tmp))
            train_args = ["--acoustic", str(train_zip)]
            test_sets = {f"fsdd-{args.held_out}": test_zip}
        seconds, peak = run_measured(
            [str(VOXTUNE), "train", "--base", args.base, "--out", str(out), *train_args]
        )
        result: dict[str, object] = {
            "set": args.set,
            "base": args.base,
            "train_seconds": round(seconds, 1),
            "peak_memory_mb": round(peak / 2**20),
            "cores": os.cpu_count(),
        }
        for name, path in test_sets.items():
            # CTranslate2 decodes on every core itself; pocketsphinx needs a process per core
            evaluation = evaluate_dataset(path, [args.base, out], jobs=1 if whisper else 2)
            result[name] = evaluation.azure_properties()
        report = json.loads((out / "training-report.json").read_text())
        if whisper:
            tuning = report["fine_tuning"]
            result["steps"] = tuning["steps"]
            result["median_step_s"] = sorted(tuning["step_s"])[len(tuning["step_s"]) // 2]
            result["fine_tuning_s"] = tuning["elapsed_s"]
        else:
            result["language_model_weight_percent"] = report["language_model"]["weight_percent"]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
