"""Language models: modified Kneser-Ney estimation, ARPA and pocketsphinx binary files,
interpolation with the base general LM, weight tuning, and structured-text lists as classes.

    domain = estimate(sentences)                      # lists of lexical words
    general = read_binary(base_model_dir() / "en-us.lm.bin")
    model = interpolate(domain, general, 0.9)       # 0.9: prior share of the domain
    write_binary(model, bundle / "language-model.lm.bin")
"""

from voxtune.lm.arpa import arpa_to_binary, read_arpa, write_arpa, write_binary
from voxtune.lm.classes import WordClass, class_token, estimate_with_classes, expand_classes
from voxtune.lm.interpolate import interpolate
from voxtune.lm.kneser_ney import DEFAULT_ORDER, estimate
from voxtune.lm.model import BOS, EOS, UNK, NGramModel, NGramTable
from voxtune.lm.perplexity import Perplexity, perplexity
from voxtune.lm.sphinx_binary import read_binary
from voxtune.lm.tune import WeightChoice, choose_weight, split_heldout

__all__ = [
    "BOS",
    "DEFAULT_ORDER",
    "EOS",
    "UNK",
    "NGramModel",
    "NGramTable",
    "Perplexity",
    "WeightChoice",
    "WordClass",
    "arpa_to_binary",
    "choose_weight",
    "class_token",
    "estimate",
    "estimate_with_classes",
    "expand_classes",
    "interpolate",
    "perplexity",
    "read_arpa",
    "read_binary",
    "split_heldout",
    "write_arpa",
    "write_binary",
]
