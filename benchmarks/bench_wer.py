"""Word error rate of one or two models on the reporting sets: AN4 dev and the smoke clips.

    python benchmarks/bench_wer.py [--model base] [--model path/to/bundle] [--sets an4-dev smoke]

The smoke clips are a folder with trans.txt; they are zipped on the fly into the same
"audio + transcript" format `voxtune evaluate` reads, so both sets go through one code path.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zipfile
from pathlib import Path

from voxtune.evaluation import evaluate_dataset

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"


def smoke_zip(into: Path) -> Path:
    target = into / "smoke.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted((SHARED / "smoke").iterdir()):
            if path.suffix in {".wav", ".flac", ".txt"}:
                archive.write(path, path.name)
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", action="append", dest="models")
    parser.add_argument("--sets", nargs="+", default=["an4-dev", "smoke"])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    models = args.models or ["base"]
    report: dict[str, object] = {"models": models}
    with tempfile.TemporaryDirectory() as tmp:
        sets = {"an4-dev": SHARED / "an4" / "dev.zip", "smoke": smoke_zip(Path(tmp))}
        for name in args.sets:
            start = time.perf_counter()
            result = evaluate_dataset(sets[name], models, jobs=args.jobs)
            report[name] = {
                **result.azure_properties(),
                "seconds": round(time.perf_counter() - start, 1),
            }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
