"""Scoring: word alignment, WER and SER, error analysis and per-utterance details.

    scores = score([("utt1", "I have 5 pencils.", "i have five pencil")])
    scores.wer                                  # 0.25
    azure_evaluation_properties(scores, "1")    # {"wordErrorRate1": 0.25, ...}

The public API is re-exported here; the submodules are align, measures, analysis and render.
"""

from voxtune.scoring.align import AlignedWord, Alignment, AlignmentChunk, EditOp, align
from voxtune.scoring.analysis import ErrorAnalysis, SubstitutionCount, WordCount, error_analysis
from voxtune.scoring.measures import (
    CorpusScores,
    JSONValue,
    UtteranceScore,
    azure_evaluation_properties,
    error_rate,
    score,
    score_utterance,
)
from voxtune.scoring.render import render_alignment

__all__ = [
    "AlignedWord",
    "Alignment",
    "AlignmentChunk",
    "CorpusScores",
    "EditOp",
    "ErrorAnalysis",
    "JSONValue",
    "SubstitutionCount",
    "UtteranceScore",
    "WordCount",
    "align",
    "azure_evaluation_properties",
    "error_analysis",
    "error_rate",
    "render_alignment",
    "score",
    "score_utterance",
]
