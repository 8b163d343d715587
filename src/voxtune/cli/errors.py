"""The CLI's one mapping from voxtune errors to messages and exit codes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click

from voxtune.errors import VoxtuneError

P = ParamSpec("P")
R = TypeVar("R")


def render_error(error: VoxtuneError) -> str:
    return f"error ({error.inner_code or error.code}): {error.message}"


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a VoxtuneError into one line on stderr and the error's own exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except VoxtuneError as error:
            click.echo(render_error(error), err=True)
            raise click.exceptions.Exit(error.exit_code) from error

    return wrapper
