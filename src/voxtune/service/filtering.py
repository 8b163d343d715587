"""The `filter` query parameter of list operations: a small OData-like expression language.

    expr   := term ("or" term)*
    term   := factor ("and" factor)*
    factor := "not" factor | "(" expr ")" | NAME OP VALUE
    OP     := eq | ne | gt | ge | lt | le        VALUE := 'quoted string' | bare word

It is evaluated on the rendered Azure JSON of each entity; only documented properties may be
named, and gt/ge/lt/le only on the two date-time properties (ISO 8601 strings order correctly).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from voxtune.errors import InvalidInputError

Predicate = Callable[[dict[str, Any]], bool]

FILTERABLE = frozenset(
    {
        "displayName",
        "description",
        "createdDateTime",
        "lastActionDateTime",
        "status",
        "locale",
        "kind",
    }
)
ORDERED = frozenset({"createdDateTime", "lastActionDateTime"})
_TOKEN = re.compile(r"\s*('(?:[^']|'')*'|\(|\)|[^\s()]+)")


def _error(message: str) -> InvalidInputError:
    return InvalidInputError(f"invalid filter: {message}", inner_code="UnsupportedFilter")


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _error(f"cannot read {text[position:]!r}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], allowed: frozenset[str]) -> None:
        self.tokens = tokens
        self.position = 0
        self.allowed = allowed

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _error("unexpected end")
        self.position += 1
        return token

    def expr(self) -> Predicate:
        parts = [self.term()]
        while (self.peek() or "").lower() == "or":
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else (lambda item: any(p(item) for p in parts))

    def term(self) -> Predicate:
        parts = [self.factor()]
        while (self.peek() or "").lower() == "and":
            self.take()
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else (lambda item: all(p(item) for p in parts))

    def factor(self) -> Predicate:
        token = self.take()
        if token.lower() == "not":
            inner = self.factor()
            return lambda item: not inner(item)
        if token == "(":
            inner = self.expr()
            if self.take() != ")":
                raise _error("missing )")
            return inner
        return self.comparison(token)

    def comparison(self, name: str) -> Predicate:
        if name not in self.allowed:
            raise _error(f"{name!r} is not a filterable property")
        operator = self.take().lower()
        value = self.take()
        if value.startswith("'"):
            value = value[1:-1].replace("''", "'")
        if operator in ("eq", "ne"):
            equal = operator == "eq"
            return lambda item: (str(item.get(name, "")) == value) == equal
        if operator in ("gt", "ge", "lt", "le") and name in ORDERED:
            compare = {
                "gt": str.__gt__,
                "ge": str.__ge__,
                "lt": str.__lt__,
                "le": str.__le__,
            }[operator]
            bound = value.rstrip("Z")
            return lambda item: bool(compare(str(item.get(name, "")).rstrip("Z"), bound))
        raise _error(f"operator {operator!r} is not supported on {name}")


def parse_filter(text: str | None, allowed: frozenset[str] = FILTERABLE) -> Predicate:
    if not text or not text.strip():
        return lambda item: True
    parser = _Parser(_tokens(text), allowed)
    predicate = parser.expr()
    if parser.peek() is not None:
        raise _error(f"unexpected {parser.peek()!r}")
    return predicate
