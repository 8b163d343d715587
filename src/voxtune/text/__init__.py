"""Text processing: lexical normalization (what is scored and trained), number words and
their written form. Display formatting is `voxtune.text.display` (it reads a model's
OutputFormatting rules, so it is imported on its own, after voxtune.data)."""

from voxtune.text.itn import inverse_normalize
from voxtune.text.normalize import is_english, lexical_tokens, normalize_lexical
from voxtune.text.numbers import (
    cardinal_words,
    decimal_words,
    digit_words,
    ordinal_words,
    year_words,
)

__all__ = [
    "cardinal_words",
    "decimal_words",
    "digit_words",
    "inverse_normalize",
    "is_english",
    "lexical_tokens",
    "normalize_lexical",
    "ordinal_words",
    "year_words",
]
