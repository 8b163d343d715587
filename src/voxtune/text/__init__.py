"""Text processing: lexical normalization (what is scored and trained) and number words."""

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
    "is_english",
    "lexical_tokens",
    "normalize_lexical",
    "ordinal_words",
    "year_words",
]
