"""Errors and exit codes.

Exception tree::

    RunbooksError             expected, fatal: one line, no traceback
    ├── ConfigError           invalid runbooks (exit 78, EX_CONFIG as in goss)
    └── UsageError            bad command-line use (exit 2)

Anything else reaching the CLI is a bug: it prints "unexpected error" and
writes the traceback to a log file (exit 70, EX_SOFTWARE).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_SOFTWARE", "EXIT_CONFIG",
    "EXIT_INTERRUPTED", "Diagnostic", "RunbooksError", "ConfigError", "UsageError",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SOFTWARE = 70
EXIT_CONFIG = 78
EXIT_INTERRUPTED = 130


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, pointing at a line and column (1-based)."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class RunbooksError(Exception):
    """An expected failure, reported as one line."""

    exit_code = EXIT_FAILED


class UsageError(RunbooksError):
    exit_code = EXIT_USAGE


class ConfigError(RunbooksError):
    """Invalid runbooks: carries every diagnostic found, sorted by position."""

    exit_code = EXIT_CONFIG

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))
