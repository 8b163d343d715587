"""Acoustic model adaptation for the pocketsphinx PTM model: MAP of mixture weights and
means from forced alignments, optional global MLLR first.

    from voxtune.engine.sphinx.adapt import AdaptOptions, adapt_acoustic_model
    report = adapt_acoustic_model(base_dir, [(id, audio, "lexical words"), ...], out_dir)

`out_dir` becomes a complete pocketsphinx acoustic model directory (the base files, with
`means`, `variances` and `sendump` rewritten) that `Decoder(hmm=out_dir)` loads.
"""

from voxtune.engine.sphinx.adapt.options import (
    AdaptationReport,
    AdaptOptions,
    PassReport,
    UtteranceFailure,
)
from voxtune.engine.sphinx.adapt.pipeline import UtteranceInput, adapt_acoustic_model

__all__ = [
    "AdaptOptions",
    "AdaptationReport",
    "PassReport",
    "UtteranceFailure",
    "UtteranceInput",
    "adapt_acoustic_model",
]
