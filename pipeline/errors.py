"""One exception base for tmpipe; messages read ``path:line: what went wrong``."""

from __future__ import annotations

__all__ = ["TmpipeError", "InputError", "OutputError", "ConfigError", "Interrupted", "INTERRUPTED", "located"]

#: What a Ctrl-C before the TM's commit prints (exit 130).
INTERRUPTED = "tmpipe: interrupted; the TM is unchanged and no file is half-written; run the build again to finish"


def located(path: object, line: int | None, message: str) -> str:
    """Format a message as ``path:line: message`` (``path: message`` without a line)."""
    return f"{path}:{line}: {message}" if line else f"{path}: {message}"


class TmpipeError(Exception):
    """Base of every error tmpipe raises on purpose; the CLI prints it on one line."""

    exit_code = 1


class InputError(TmpipeError):
    """The corpus or another input cannot be read."""

    exit_code = 2


class OutputError(TmpipeError):
    """An output cannot be written."""

    exit_code = 3


class ConfigError(TmpipeError):
    """A bad option, configuration file or name."""

    exit_code = 2


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what it left behind (``str(exc)``), when that is not "nothing changed"."""
