"""Scoring: word alignment, WER and SER, error analysis and per-utterance details.

    scores = score([("utt1", "I have 5 pencils.", "i have five pencil")])
    scores.wer                                  # 0.25
    azure_evaluation_properties(scores, "1")    # {"wordErrorRate1": 0.25, ...}

Token figures on display text (Azure's tokenErrorRate and tokenErrors) are in tokens.
The public API is re-exported here; the submodules are align, measures, analysis, render and
tokens.
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
from voxtune.scoring.tokens import (
    CorpusTokenScores,
    TokenEdit,
    UtteranceTokenScore,
    azure_token_properties,
    display_tokens,
    score_tokens,
)

__all__ = [
    "AlignedWord",
    "Alignment",
    "AlignmentChunk",
    "CorpusScores",
    "CorpusTokenScores",
    "EditOp",
    "ErrorAnalysis",
    "JSONValue",
    "SubstitutionCount",
    "TokenEdit",
    "UtteranceScore",
    "UtteranceTokenScore",
    "WordCount",
    "align",
    "azure_evaluation_properties",
    "azure_token_properties",
    "display_tokens",
    "error_analysis",
    "error_rate",
    "render_alignment",
    "score",
    "score_tokens",
    "score_utterance",
]
