"""The training report: what data was used, what each step did and measured."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from voxtune.engine.sphinx.adapt import AdaptationReport
from voxtune.engine.sphinx.language_model import LanguageModelReport
from voxtune.lexicon import LexiconBuild, PrunedPronunciation
from voxtune.text.display import FormattingTestResult
from voxtune.units import Seconds

MAX_LISTED_WORDS = 500  # the report lists added words up to this many (counts stay exact)


@dataclass(frozen=True)
class LexiconSummary:
    words: int
    from_base: int
    added: tuple[tuple[str, str, str], ...]  # (word, phones, source: user | spelled | g2p)
    added_count: int
    failed: tuple[tuple[str, str], ...]  # (word, reason): not in the dictionary
    rejected_user: tuple[str, ...]
    # (word, phones, occurrences aligned, of them with these phones): variants removed
    # because the training audio hardly ever used them (lexicon/usage.py)
    pruned: tuple[tuple[str, str, int, int], ...] = ()


def lexicon_summary(
    build: LexiconBuild, rejected: Sequence[str], pruned: Sequence[PrunedPronunciation] = ()
) -> LexiconSummary:
    return LexiconSummary(
        words=len(build.lexicon),
        from_base=build.from_base,
        added=tuple(
            (w.word, " ".join(w.phones), w.source) for w in build.added[:MAX_LISTED_WORDS]
        ),
        added_count=len(build.added),
        failed=tuple((f.word, f.reason) for f in build.failed),
        rejected_user=(*rejected, *(f"{f.word}: {f.reason}" for f in build.rejected_user)),
        pruned=tuple((p.word, p.phones, p.heard, p.chosen) for p in pruned),
    )


@dataclass(frozen=True)
class FormattingTestsSummary:
    """The `#test` lines of the OutputFormatting datasets, run against the trained rules."""

    passed: int
    failed: int
    # (line, lexical input, expected display, actual display) of each failed test
    failures: tuple[tuple[int, str, str, str], ...]


def formatting_tests_summary(results: Sequence[FormattingTestResult]) -> FormattingTestsSummary:
    failures = tuple(
        (r.line, r.lexical, r.expected, r.actual) for r in results if not r.passed
    )
    return FormattingTestsSummary(len(results) - len(failures), len(failures), failures)


@dataclass(frozen=True)
class TrainingReport:
    datasets: tuple[dict[str, Any], ...]  # per dataset: path, kind and its DatasetReport
    dataset_hashes: dict[str, str]
    sentences: int  # LM training sentences (lists count once per template)
    words: int
    classes: tuple[tuple[str, int], ...]  # structured-text lists: (name, items)
    oov_rate: float  # running words of the training text missing from the base vocabulary
    language_model: LanguageModelReport
    lexicon: LexiconSummary
    acoustic: AdaptationReport | None  # None: no audio, or adaptation switched off
    formatting_files: tuple[str, ...]
    formatting_tests: FormattingTestsSummary
    decoder_options: dict[str, Any]  # what the model is served with (sphinx/decoder_options.py)
    elapsed_s: Seconds

    def to_json(self) -> dict[str, Any]:
        finite: dict[str, Any] = _finite(asdict(self))
        return finite

    def write(self, path: Path) -> TrainingReport:
        path.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True), encoding="utf-8")
        return self


def _finite(value: Any) -> Any:
    """JSON has no NaN/inf: such figures (e.g. perplexity of an empty slice) become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
