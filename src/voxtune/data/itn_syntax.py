"""Syntax check of #itn patterns (structure only; the matching engine lives in voxtune.text).

Pattern language (FORMATS.md): literals; `\\d` digit, `\\l` letter lowercased, `\\u` letter
uppercased, `\\a` letter as is; `\\x` escapes any other character; `[5-7]` character ranges;
groups `(AB|CD)` optionally followed by one of `? + *`; `{spoken>written}` explicit mapping;
`{word}` recognized and dropped.
"""

from __future__ import annotations

from typing import NoReturn

from voxtune.errors import FormattingRuleError

QUANTIFIERS = "?+*"


def check_itn_pattern(pattern: str) -> None:
    """Raise FormattingRuleError naming the 1-based column of the first syntax error."""
    if not pattern.strip():
        raise FormattingRuleError("empty pattern")
    opened: list[int] = []  # columns of unclosed '('
    after_group = False  # a quantifier is only allowed right after ')'
    i = 0
    while i < len(pattern):
        char = pattern[i]
        after = False
        if char == "\\":
            if i + 1 == len(pattern):
                _fail("trailing backslash", i)
            i += 1
        elif char == "(":
            if pattern[i + 1 : i + 2] in (")", "|"):
                _fail("empty group or alternative", i)
            opened.append(i)
        elif char == ")":
            if not opened:
                _fail("unmatched ')'", i)
            opened.pop()
            after = True
        elif char == "|":
            if not opened:
                _fail("'|' outside a group; write (A|B)", i)
            if pattern[i + 1 : i + 2] in (")", "|"):
                _fail("empty alternative", i)
        elif char in QUANTIFIERS:
            if not after_group:
                _fail(f"'{char}' must follow a group, e.g. (\\d){char}; escape it as \\{char}", i)
        elif char == "[":
            i = _check_range(pattern, i)
        elif char == "{":
            i = _check_braces(pattern, i)
        elif char in "]}":
            _fail(f"unmatched '{char}'", i)
        after_group = after
        i += 1
    if opened:
        _fail("unclosed '('", opened[-1])


def _check_range(pattern: str, start: int) -> int:
    """Validate `[...]` starting at `start`; return the index of its ']'."""
    end = pattern.find("]", start + 1)
    if end < 0:
        _fail("unclosed '['", start)
    body = pattern[start + 1 : end]
    if not body or "[" in body:
        _fail("empty or nested character range", start)
    k = 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            if body[k] > body[k + 2]:
                _fail(f"reversed range {body[k]}-{body[k + 2]}", start + 1 + k)
            k += 3
        else:
            k += 1
    return end


def _check_braces(pattern: str, start: int) -> int:
    """Validate `{word}` or `{spoken>written}` starting at `start`; return the index of '}'."""
    end = pattern.find("}", start + 1)
    if end < 0:
        _fail("unclosed '{'", start)
    body = pattern[start + 1 : end]
    if "{" in body:
        _fail("nested '{'", start)
    spoken, arrow, written = body.partition(">")
    if not spoken.strip():
        _fail("empty spoken form in '{...}'", start)
    if arrow and ">" in written:
        _fail("more than one '>' in '{spoken>written}'", start)
    return end


def _fail(message: str, index: int) -> NoReturn:
    raise FormattingRuleError(f"{message} (column {index + 1})")
