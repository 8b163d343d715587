"""ARPA back-off files: a streaming writer, a tolerant reader, and conversion to the decoder's
binary format with pocketsphinx's own writer.

The reader accepts text before `\\data\\`, blank lines anywhere, and `\\data\\` counts that
disagree with the sections (the sections win); anything else malformed is a ModelError.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import numpy as np

from voxtune.errors import ModelError
from voxtune.lm.build import NGramList, assemble
from voxtune.lm.model import LOG10_ZERO, NGramModel

_CHUNK_LINES = 100_000  # lines formatted per write: bounds memory for multi-million n-gram models


def write_arpa(model: NGramModel, path: Path) -> None:
    """Write `model` as an ARPA file (n-grams in table order; backoffs of 0 omitted)."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        write_arpa_to(model, handle)


def write_arpa_to(model: NGramModel, handle: TextIO) -> None:
    handle.write("\\data\\\n")
    for order, count in enumerate(model.counts, start=1):
        handle.write(f"ngram {order}={count}\n")
    words = np.array(model.words, dtype=object)
    for order in range(1, model.order + 1):
        handle.write(f"\n\\{order}-grams:\n")
        for lines in _lines(model, order, words):
            handle.write(lines)
    handle.write("\n\\end\\\n")


def _lines(model: NGramModel, order: int, words: np.ndarray) -> Iterator[str]:
    table = model.tables[order - 1]
    grams = model.ngram_words(order)
    highest = order == model.order
    for start in range(0, len(table), _CHUNK_LINES):
        stop = start + _CHUNK_LINES
        text = [
            " ".join(column)
            for column in zip(*(words[grams[start:stop, k]] for k in range(order)), strict=True)
        ]
        probs = np.maximum(table.logprob[start:stop], LOG10_ZERO).tolist()
        if highest:
            lines = [f"{p:.6f}\t{t}\n" for p, t in zip(probs, text, strict=True)]
        else:
            backoffs = table.backoff[start:stop].tolist()
            lines = [
                f"{p:.6f}\t{t}\t{b:.6f}\n" if b != 0.0 else f"{p:.6f}\t{t}\n"
                for p, t, b in zip(probs, text, backoffs, strict=True)
            ]
        yield "".join(lines)


def read_arpa(path: Path) -> NGramModel:
    """The model in an ARPA file. Raises ModelError for files that are not ARPA."""
    try:
        with path.open("r", encoding="utf-8") as handle:
            return read_arpa_from(handle, str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read ARPA language model {path}: {exc}") from exc


def read_arpa_from(handle: TextIO, name: str = "ARPA file") -> NGramModel:
    sections = _sections(handle, name)
    if not sections or 1 not in sections:
        raise ModelError(f"{name}: no \\1-grams: section")
    order = max(sections)
    if sorted(sections) != list(range(1, order + 1)):
        raise ModelError(f"{name}: n-gram sections {sorted(sections)} are not 1..{order}")
    unigrams = sections[1]
    if any(len(fields) not in (2, 3) for fields in unigrams):
        raise ModelError(f"{name}: malformed 1-gram line")
    words = [fields[1] for fields in unigrams]
    index = {word: position for position, word in enumerate(words)}
    if len(index) != len(words):
        raise ModelError(f"{name}: a word is listed twice in \\1-grams:")
    lists = [_ngram_list(sections[n], n, n < order, index, name) for n in range(1, order + 1)]
    return assemble(words, lists[0], lists[1:])


def _sections(handle: TextIO, name: str) -> dict[int, list[list[str]]]:
    sections: dict[int, list[list[str]]] = {}
    current: list[list[str]] | None = None
    seen_data = False
    for number, line in enumerate(handle, start=1):
        text = line.strip()
        if not text:
            continue
        if text == "\\data\\":
            seen_data = True
        elif text == "\\end\\":
            break
        elif text.startswith("\\") and text.endswith("-grams:"):
            try:
                order = int(text[1 : -len("-grams:")])
            except ValueError as exc:
                raise ModelError(f"{name}:{number}: bad section header {text!r}") from exc
            current = sections.setdefault(order, [])
        elif current is not None:
            current.append(text.split())
        elif seen_data and not text.startswith("ngram "):
            raise ModelError(f"{name}:{number}: unexpected line in \\data\\: {text[:60]!r}")
    if not seen_data:
        raise ModelError(f"{name}: not an ARPA file (no \\data\\ line)")
    return sections


def _ngram_list(
    rows: list[list[str]], order: int, has_backoff: bool, index: dict[str, int], name: str
) -> NGramList:
    ids = np.empty((len(rows), order), np.int64)
    logprob = np.empty(len(rows))
    backoff = np.zeros(len(rows))
    for position, fields in enumerate(rows):
        if len(fields) not in (order + 1, order + 2) or (
            len(fields) == order + 2 and not has_backoff
        ):
            raise ModelError(f"{name}: malformed {order}-gram line {' '.join(fields)[:80]!r}")
        try:
            logprob[position] = float(fields[0])
            if len(fields) == order + 2:
                backoff[position] = float(fields[-1])
            ids[position] = [index[word] for word in fields[1 : order + 1]]
        except ValueError as exc:
            raise ModelError(f"{name}: bad number in {order}-gram {fields!r}") from exc
        except KeyError as exc:
            raise ModelError(f"{name}: {order}-gram with a word not in \\1-grams: {exc}") from exc
    if not np.all(np.isfinite(logprob)) or not np.all(np.isfinite(backoff)):
        raise ModelError(f"{name}: non-finite value in the {order}-grams")
    return NGramList(ids, np.maximum(logprob, LOG10_ZERO), backoff)


def write_binary(model: NGramModel, path: Path) -> None:
    """Write `model` in pocketsphinx's binary format (what bundles store: it loads in a fraction
    of the time an ARPA file takes), through a temporary ARPA file beside `path`."""
    arpa = path.with_name(path.name + ".tmp.arpa")
    try:
        write_arpa(model, arpa)
        arpa_to_binary(arpa, path)
    finally:
        arpa.unlink(missing_ok=True)


def arpa_to_binary(arpa_path: Path, binary_path: Path) -> None:
    """Convert with pocketsphinx itself, so the decoder reads exactly what it wrote.
    Raises ModelError when pocketsphinx refuses the file."""
    import pocketsphinx

    try:
        model = pocketsphinx.NGramModel.readfile(str(arpa_path))
        model.write(str(binary_path), pocketsphinx.NGramModel.str_to_type("bin"))
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(f"pocketsphinx cannot convert {arpa_path} to binary: {exc}") from exc
