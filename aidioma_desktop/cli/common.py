"""What every command shares: colours on a terminal, asking for a line or a secret, counting
in words."""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # sync brings httpx, pydantic and keyring: imported only by cmd_sync
    pass


class Style:
    """ANSI colours on a terminal that wants them (https://no-color.org)."""

    def __init__(self, stream: TextIO) -> None:
        self.on = stream.isatty() and not os.environ.get("NO_COLOR")

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.on else text

    def bold(self, t: str) -> str:
        return self._wrap("1", t)

    def green(self, t: str) -> str:
        return self._wrap("32", t)

    def yellow(self, t: str) -> str:
        return self._wrap("33", t)

    def red(self, t: str) -> str:
        return self._wrap("31", t)

    def dim(self, t: str) -> str:
        return self._wrap("2", t)


def _ask(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        return "q"


def plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _secret(prompt: str) -> str:
    """A password or code: asked on a terminal, else read as one line of standard input."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")
