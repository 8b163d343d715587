"""Decoder settings a custom model is served with (the bundle's `decoder_options`).

pocketsphinx searches in three passes: a lexicon-tree pass (language weight `lw`) that prunes,
a flat-lexicon pass over the words it kept (`fwdflatlw`), and a lattice rescoring ("bestpath",
`bestpathlw`). Its defaults (6.5 / 8.5 / 9.5, bestpath on) are tuned for the general LM. With a
domain LM and an adapted acoustic model, measured WER on held-out AN4 training speakers (fold 0:
22 speakers, 1627 words, model trained on the other 43; default weight, MAP adaptation):

    defaults 0.138 | lw 5: 0.125 | lw 4: 0.125 | lw 8: 0.156 | lw 10: 0.189
    all three weights x0.7: 0.146 | x0.5: 0.184 | topn 8: 0.138 | wip 0.2: 0.140
    lw 5, bestpathlw 8.5: 0.130 | lw 5, bestpath off: 0.118 | + fwdflatlw 7: 0.132
    lw 5, fwdflatlw 10, bestpath off: 0.113 | lw 4, bestpath off: 0.120

A lighter first pass keeps acoustically good words the domain LM would prune early. The
bestpath-off settings cost general speech, though (smoke clips, AN4 model, mean tau 5: 0.31
with lw 5 alone, 0.41 with lw 5 + bestpath off), and once the acoustic means were adapted more
gently (mean tau 50, see engine/sphinx/adapt/options.py) their AN4 gain shrank to noise (fold 0:
lw 5 0.1125, + bestpath off 0.1112, + fwdflatlw 10 0.1162; smoke 0.269 / 0.280 / 0.323).
So custom models change only `lw`, and keep the lattice posteriors for word confidences.
"""

from __future__ import annotations

from typing import Any

CUSTOM_DECODER_OPTIONS: dict[str, Any] = {"lw": 5.0}
