"""Human-readable alignment of one utterance, in the style of sclite and jiwer:

    utt7: N=5 S=1 D=1 I=1 WER=60.00%
    REF: the *** cat sat on  mat
    HYP: the bat a   sat *** mat
             I   S       D

Columns are as wide as their longest word, so long utterances are best wrapped (line_width).
"""

from __future__ import annotations

from dataclasses import dataclass

from voxtune.errors import InvalidInputError
from voxtune.scoring.align import AlignedWord, EditOp
from voxtune.scoring.measures import UtteranceScore

GAP = "***"  # stands for the missing word of a deletion or insertion
_MARKS = {EditOp.EQUAL: "", EditOp.SUBSTITUTE: "S", EditOp.DELETE: "D", EditOp.INSERT: "I"}
_LABEL_WIDTH = len("REF: ")


@dataclass(frozen=True, slots=True)
class _Column:
    ref: str
    hyp: str
    mark: str

    @property
    def width(self) -> int:
        return max(len(self.ref), len(self.hyp), len(self.mark))


def _column(word: AlignedWord) -> _Column:
    return _Column(word.ref or GAP, word.hyp or GAP, _MARKS[word.op])


def _wrap(columns: list[_Column], line_width: int | None) -> list[list[_Column]]:
    """Splits columns into blocks whose lines fit in line_width (a wider word gets its own)."""
    blocks: list[list[_Column]] = [[]]
    used = _LABEL_WIDTH
    for column in columns:
        if line_width is not None and blocks[-1] and used + column.width > line_width:
            blocks.append([])
            used = _LABEL_WIDTH
        blocks[-1].append(column)
        used += column.width + 1
    return blocks


def _block_lines(block: list[_Column]) -> list[str]:
    ref = " ".join(c.ref.ljust(c.width) for c in block)
    hyp = " ".join(c.hyp.ljust(c.width) for c in block)
    marks = " ".join(c.mark.ljust(c.width) for c in block)
    return [f"REF: {ref}".rstrip(), f"HYP: {hyp}".rstrip(), f"     {marks}".rstrip()]


def render_alignment(utterance: UtteranceScore, line_width: int | None = None) -> str:
    """A header with the counts, then REF/HYP lines with *** for gaps and S/D/I under errors.

    With `line_width`, long utterances wrap into blocks separated by a blank line."""
    if line_width is not None and line_width <= _LABEL_WIDTH:
        raise InvalidInputError(f"line_width must exceed {_LABEL_WIDTH}, got {line_width}")
    header = (
        f"{utterance.id}: N={utterance.reference_word_count} S={utterance.substitutions} "
        f"D={utterance.deletions} I={utterance.insertions} WER={utterance.wer:.2%}"
    )
    columns = [_column(word) for word in utterance.alignment.words()]
    lines = [header]
    for block in _wrap(columns, line_width):
        if len(lines) > 1 and lines[-1]:  # an empty marks line already separates blocks
            lines.append("")
        lines += _block_lines(block)
    return "\n".join(lines).rstrip("\n")


__all__ = ["GAP", "render_alignment"]
