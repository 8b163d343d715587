"""Display formatting: the lexical words a recognizer outputs -> Azure's four text forms.

    lexical     "remind me to buy five pencils"     (scored and trained on)
    itn         "remind me to buy 5 pencils"        built-in ITN, then the model's #itn patterns
    masked_itn  the itn form with profanity masked
    display     "Remind me to buy 5 pencils."       + names cased, #rewrite rules, dictated and
                                                    automatic punctuation, profanity per mode

An engine that writes text itself (Whisper: casing, punctuation, digits) hands that `written`
form over; display then starts from it instead of from the lexical words, and the model's
rules, profanity and punctuation modes apply to it the same way.

The order follows what the OutputFormatting rules are written against (FORMATS.md): #itn
patterns see digits ("cat-\\d"), #rewrite originals see the ITN form ("1 star motors"), and
profanity is handled last so a rewrite can neither hide nor re-expose a profane word. A
model's `#test` lines are checked with `run_tests`: punctuation mode None, profanity Masked,
which is how Azure's samples write their expected display text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from voxtune.data.formatting import FormattingRules
from voxtune.text.itn import inverse_normalize
from voxtune.text.itn_patterns import ItnRule, apply_itn_rules, compile_itn_rule
from voxtune.text.profanity import ProfanityFilter, ProfanityMode
from voxtune.text.rewrite import Rewriter

PunctuationMode = Literal["None", "Dictated", "Automatic", "DictatedAndAutomatic"]
PUNCTUATION_MODES: tuple[PunctuationMode, ...] = (
    "None", "Dictated", "Automatic", "DictatedAndAutomatic",
)  # fmt: skip

_SENTENCE_END = ".?!"
# Spoken punctuation (Azure's "dictated" mode), longest first within a first word.
_DICTATED: dict[tuple[str, ...], str] = {
    ("question", "mark"): "?", ("exclamation", "mark"): "!", ("exclamation", "point"): "!",
    ("full", "stop"): ".", ("period",): ".", ("comma",): ",", ("colon",): ":",
    ("semicolon",): ";",
}  # fmt: skip
# After these the punctuation word is a noun ("a period of time", "the colon").
_NOUN_MARKERS = frozenset(
    {"a", "an", "the", "this", "that", "each", "every", "one", "per", "my", "your", "his", "her",
     "its", "our", "their", "trial", "grace", "waiting", "time", "sigmoid", "inverted"}
)  # fmt: skip
_QUESTION_WORDS = frozenset({"what", "who", "whom", "whose", "where", "when", "why", "how",
                             "which"})  # fmt: skip
_AUXILIARIES = frozenset(
    {"is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "will", "would",
     "should", "shall", "may", "might", "have", "has", "had", "isn't", "aren't", "don't",
     "doesn't", "didn't", "can't", "won't", "wouldn't", "shouldn't", "couldn't"}
)  # fmt: skip
_SUBJECTS = frozenset({"i", "you", "he", "she", "it", "we", "they", "there", "this", "that"})
_ALWAYS_CAPITALIZED = frozenset(
    {"january", "february", "april", "june", "july", "august", "september", "october",
     "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday"}
)  # fmt: skip
_MONTHS_NEAR_NUMBERS = frozenset({"march", "may"})  # "march on", "may be": only in dates


@dataclass(frozen=True)
class DisplayOptions:
    """Azure's defaults: profanity masked, dictated and automatic punctuation."""

    profanity: ProfanityMode = "Masked"
    punctuation: PunctuationMode = "DictatedAndAutomatic"


@dataclass(frozen=True)
class DisplayForms:
    lexical: str
    itn: str
    masked_itn: str
    display: str


@dataclass(frozen=True)
class FormattingTestResult:
    """One `#test` line of a model's OutputFormatting rules, checked."""

    line: int
    lexical: str
    expected: str
    actual: str

    @property
    def passed(self) -> bool:
        return self.actual == self.expected


class DisplayFormatter:
    """Formats lexical text with the built-in rules of a locale plus a model's own rules."""

    def __init__(self, rules: FormattingRules | None = None, locale: str = "en-US") -> None:
        self.rules = rules or FormattingRules()
        self._english = locale.lower().startswith("en")
        self._itn_rules: tuple[ItnRule, ...] = tuple(
            compile_itn_rule(pattern.pattern) for pattern in self.rules.itn
        )
        self._rewriter = Rewriter.from_pairs(
            (rewrite.original, rewrite.replacement) for rewrite in self.rules.rewrites
        )
        self._profanity = ProfanityFilter.for_locale(
            locale, (phrase.phrase for phrase in self.rules.profanity)
        )

    def forms(
        self, lexical: str, options: DisplayOptions | None = None, written: str = ""
    ) -> DisplayForms:
        options = options or DisplayOptions()
        words = " ".join(lexical.lower().split())
        itn = inverse_normalize(words) if self._english else words
        itn = apply_itn_rules(itn, self._itn_rules)
        masked_itn = self._profanity.apply(itn, "Masked")
        if " ".join(written.split()):
            return DisplayForms(lexical, itn, masked_itn, self._written(written, options))
        text = _true_case(itn) if self._english else itn
        text = self._rewriter.apply(text)
        if options.punctuation in ("Dictated", "DictatedAndAutomatic") and self._english:
            text = _dictated_punctuation(text)
        text = self._profanity.apply(text, options.profanity)
        if options.punctuation in ("Automatic", "DictatedAndAutomatic") and text:
            text = _end_sentence(text, self._english and _is_question(words))
        return DisplayForms(lexical, itn, masked_itn, _capitalize_sentences(text))

    def _written(self, written: str, options: DisplayOptions) -> str:
        """An engine's own text: its casing and numbers kept, its punctuation kept only in the
        modes with automatic punctuation."""
        text = apply_itn_rules(" ".join(written.split()), self._itn_rules)
        text = self._rewriter.apply(text)
        if options.punctuation in ("None", "Dictated"):
            text = _strip_punctuation(text)
        if options.punctuation == "Dictated" and self._english:
            text = _dictated_punctuation(text)
        text = self._profanity.apply(text, options.profanity)
        if options.punctuation in ("Automatic", "DictatedAndAutomatic") and text:
            text = _end_sentence(text, False)
        return _capitalize_sentences(text)

    def display(
        self, lexical: str, options: DisplayOptions | None = None, written: str = ""
    ) -> str:
        return self.forms(lexical, options, written).display

    def run_tests(self) -> tuple[FormattingTestResult, ...]:
        options = DisplayOptions(profanity="Masked", punctuation="None")
        return tuple(
            FormattingTestResult(
                test.line, test.lexical, test.expected, self.display(test.lexical, options)
            )
            for test in self.rules.tests
        )


_MARKS = ".,?!;:"


def _strip_punctuation(text: str) -> str:
    """Sentence marks at the edges of words go ("Hello, world." -> "Hello world"); marks
    inside a token stay ("3.5", "example.com")."""
    tokens = (token.strip(_MARKS + '"') for token in text.split())
    return " ".join(token for token in tokens if token)


def _true_case(text: str) -> str:
    """Words that are always written with a capital: "I", months, weekdays."""
    tokens = text.split()
    for index, token in enumerate(tokens):
        if token == "i" or token.startswith("i'"):
            tokens[index] = "I" + token[1:]
        elif token in _ALWAYS_CAPITALIZED:
            tokens[index] = token.capitalize()
        elif token in _MONTHS_NEAR_NUMBERS:
            neighbours = tokens[index - 1 : index] + tokens[index + 1 : index + 2]
            if any(n[:1].isdigit() for n in neighbours):
                tokens[index] = token.capitalize()
    return " ".join(tokens)


def _dictated_punctuation(text: str) -> str:
    """ "stop comma then go period" -> "stop, then go." (a mark joins the word before it)."""
    tokens = text.split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        mark, length = _dictated_mark(tokens, i)
        previous = out[-1].lower() if out else None
        if mark and previous is not None and previous not in _NOUN_MARKERS:
            out[-1] += mark
            i += length
        else:
            out.append(tokens[i])
            i += 1
    return " ".join(out)


def _dictated_mark(tokens: list[str], start: int) -> tuple[str | None, int]:
    for words, mark in _DICTATED.items():
        if tuple(t.lower() for t in tokens[start : start + len(words)]) == words:
            return mark, len(words)
    return None, 0


def _is_question(words: str) -> bool:
    first, second = [*words.split(), "", ""][:2]
    if first == "do" and second in ("it", "this", "that"):
        return False  # "do it now": an order, not "do you ...?"
    return first in _QUESTION_WORDS or (first in _AUXILIARIES and second in _SUBJECTS)


def _end_sentence(text: str, question: bool) -> str:
    if text[-1] in _SENTENCE_END:
        return text
    return text.rstrip(",;:") + ("?" if question else ".")


def _capitalize_sentences(text: str) -> str:
    """Upper-case a sentence's first character when it is a letter ("20-30 cadence" stays);
    a sentence ends at '.', '?' or '!' followed by a space."""
    chars = list(text)
    start = True
    for index, char in enumerate(chars):
        if start and not char.isspace():
            if char.isalpha():
                chars[index] = char.upper()
            start = False
        elif char in _SENTENCE_END and chars[index + 1 : index + 2] == [" "]:
            start = True  # "3.14" and "example.com" do not end a sentence
    return "".join(chars)
