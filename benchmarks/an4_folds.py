"""Held-out speakers of AN4 train.zip: where the training defaults are chosen (never on dev).

    python benchmarks/an4_folds.py --fold 0                       # the defaults
    python benchmarks/an4_folds.py --fold 0 --adapt '{"mean_tau": 5}'
    python benchmarks/an4_folds.py --fold 1 --decoder '{"pl_window": 0}'
    python benchmarks/an4_folds.py --fold 0 --weight 100          # domain LM alone
    python benchmarks/an4_folds.py --fold 0 --oracle-text         # diagnostic, see below
    python benchmarks/an4_folds.py --fold 0 --nbest-oracle 1000 --every 3   # diagnostic

The speakers of train.zip, sorted, are dealt into 3 folds (fold k = speakers[k::3]); a fold's
model is trained on the other two thirds (audio + their transcripts as text) and evaluated on
the fold's speakers. Models are kept in --work, keyed by their options, so decoder settings can
be compared on one trained model. Prints WER and substitutions / deletions / insertions.

--oracle-text is a diagnostic, never a result: it adds the held-out speakers' own transcripts
to the LM text, to show how much of the error an LM that knew the test sentences would remove
(the acoustic model is trained as usual, without their audio).

--nbest-oracle N is a diagnostic too: it reads N N-best paths per phrase (voxtune reads 40 and
keeps 5 distinct texts; --alternatives K keeps K) and prints the oracle WER, the best any
rescoring of those lists could do (per utterance the alternative with the fewest errors).
--every K decodes every K-th held-out utterance only (in-process: the N-best limit is set in
this process).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import voxtune.engine.sphinx.hypotheses as hypotheses
from voxtune.data import iter_audio, parse_acoustic
from voxtune.engine import (
    ModelBundle,
    RecognitionOptions,
    RecognitionResult,
    load_bundle,
    recognize_items,
)
from voxtune.engine.sphinx.adapt import AdaptOptions
from voxtune.evaluation import evaluate_dataset
from voxtune.scoring import score
from voxtune.training import train
from voxtune.training.inputs import TrainingInputs
from voxtune.training.pipeline import TrainingOptions

REPO = Path(__file__).resolve().parents[1]
AN4_TRAIN = REPO.parent / "shared" / "data" / "an4" / "train.zip"
FOLDS = 3


def speaker(name: str) -> str:
    return name.split("-")[1]  # an251-fash-b.wav -> fash


def split(fold: int, work: Path) -> tuple[Path, Path, Path]:
    """(train.zip, train-text.txt, held-out.zip) of `fold`, written once into `work`."""
    folder = work / f"fold{fold}"
    train_zip, text, held_out = (folder / "train.zip", folder / "train-text.txt",
                                 folder / "held-out.zip")
    if held_out.exists() and (folder / "held-out-text.txt").exists():
        return train_zip, text, held_out
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(AN4_TRAIN) as source:
        lines = source.read("trans.txt").decode("utf-8-sig").splitlines()
        speakers = sorted({speaker(line.split("\t")[0]) for line in lines})
        test_speakers = set(speakers[fold::FOLDS])
        kept: dict[bool, list[str]] = {True: [], False: []}
        with zipfile.ZipFile(train_zip, "w") as out_train, \
                zipfile.ZipFile(held_out, "w") as out_test:
            for line in lines:
                name = line.split("\t")[0]
                is_test = speaker(name) in test_speakers
                kept[is_test].append(line)
                (out_test if is_test else out_train).writestr(name, source.read(name))
            out_train.writestr("trans.txt", "\n".join(kept[False]) + "\n")
            out_test.writestr("trans.txt", "\n".join(kept[True]) + "\n")
    text.write_text("\n".join(line.split("\t")[1] for line in kept[False]) + "\n")
    (folder / "held-out-text.txt").write_text(
        "\n".join(line.split("\t")[1] for line in kept[True]) + "\n")
    return train_zip, text, held_out


def trained_model(fold: int, work: Path, weight: int | None, adapt: dict[str, Any],
                  oracle_text: bool = False) -> Path:
    train_zip, text, held_out = split(fold, work)
    texts = (text, held_out.with_name("held-out-text.txt")) if oracle_text else (text,)
    key = json.dumps({"weight": weight, "adapt": adapt, "oracle_text": oracle_text},
                     sort_keys=True)
    out = work / f"fold{fold}" / f"model-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    if not (out / "manifest.json").exists():
        options = TrainingOptions(weight_percent=weight, adapt=AdaptOptions(**adapt))
        train("base", TrainingInputs(acoustic=(train_zip,), text=texts), out, options)
        (out.parent / f"{out.name}.options.json").write_text(key)
    return out


def nbest_oracle(held_out: Path, bundle: ModelBundle, paths: int, every: int,
                 alternatives: int | None = None) -> dict[str, Any]:
    """Best path and oracle WER over the alternatives (at most `alternatives` distinct texts,
    default `paths`) of `paths` N-best paths per phrase."""
    hypotheses.nbest_scores.__defaults__ = (paths,)  # the engine's read limit, this process
    dataset = parse_acoustic(held_out)
    items = [(u, audio) for u, audio in iter_audio(dataset)][::every]
    outcomes = recognize_items([(u.name, a) for u, a in items], bundle,
                               options=RecognitionOptions(max_alternatives=alternatives or paths))
    best, oracle, distinct = [], [], []
    for (utterance, _), outcome in zip(items, outcomes, strict=True):
        assert isinstance(outcome, RecognitionResult), outcome
        reference = utterance.transcript
        best.append((utterance.name, reference, outcome.lexical))
        texts = [""]
        for phrase in outcome.phrases:  # every combination of the phrases' alternatives
            texts = [f"{t} {a.lexical}".strip() for t in texts for a in phrase.alternatives]
            texts = texts[:5000]
        distinct.append(len(texts))
        errors = [score([(utterance.name, reference, t)]).utterances[0] for t in texts]
        pick = min(range(len(texts)), key=lambda i: errors[i].substitutions
                   + errors[i].deletions + errors[i].insertions)
        oracle.append((utterance.name, reference, texts[pick]))
    return {"nbest_paths": paths, "max_alternatives": alternatives or paths,
            "utterances": len(items),
            "best_path_wer": round(score(best).wer, 4),
            "oracle_wer": round(score(oracle).wer, 4),
            "mean_alternatives": round(sum(distinct) / len(distinct), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fold", type=int, choices=range(FOLDS), default=0)
    parser.add_argument("--weight", type=int, help="LM weight percent (default: tuned)")
    parser.add_argument("--adapt", default="{}", help="AdaptOptions fields as JSON")
    parser.add_argument("--decoder", default="{}", help="decoder options added, as JSON")
    parser.add_argument("--oracle-text", action="store_true",
                        help="diagnostic: the held-out transcripts join the LM text")
    parser.add_argument("--nbest-oracle", type=int, metavar="N",
                        help="diagnostic: oracle WER over N N-best paths per phrase")
    parser.add_argument("--every", type=int, default=1, help="with --nbest-oracle: every K-th")
    parser.add_argument("--alternatives", type=int,
                        help="with --nbest-oracle: distinct texts kept (default N)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/voxtune-an4-folds"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    model_dir = trained_model(args.fold, args.work, args.weight, json.loads(args.adapt),
                              args.oracle_text)
    bundle = load_bundle(model_dir)
    decoder = json.loads(args.decoder)
    bundle = dataclasses.replace(bundle, decoder_options={**bundle.decoder_options, **decoder})
    _, _, held_out = split(args.fold, args.work)
    if args.nbest_oracle:
        oracle = nbest_oracle(held_out, bundle, args.nbest_oracle, args.every, args.alternatives)
        print(json.dumps({"fold": args.fold, **oracle}))
        return
    started = time.perf_counter()
    scores = evaluate_dataset(held_out, [bundle], jobs=args.jobs).models[0].scores
    print(json.dumps({
        "fold": args.fold, "weight": args.weight, "adapt": json.loads(args.adapt),
        "decoder": decoder, "oracle_text": args.oracle_text, "wer": round(scores.wer, 4),
        "substitutions": sum(u.substitutions for u in scores.utterances),
        "deletions": sum(u.deletions for u in scores.utterances),
        "insertions": sum(u.insertions for u in scores.utterances),
        "words": sum(u.reference_word_count for u in scores.utterances),
        "decode_s": round(time.perf_counter() - started, 1), "model": str(model_dir),
    }))


if __name__ == "__main__":
    main()
