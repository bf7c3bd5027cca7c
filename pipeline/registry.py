"""Name → implementation registries (export formats, QA checks, report formats).

A :class:`Registry` is a dict with a decorator to fill it and a lookup whose
error lists the valid names, so every "unknown name" message reads the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from .errors import ConfigError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(dict[str, T]):
    """Registered items by name, in registration order."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        """What the names name, for messages (``export format``, ``QA check``)."""
        self.descriptions: dict[str, str] = {}
        """What each item is, for people (``tmpipe formats``)."""

    def add(self, name: str, item: T, description: str = "") -> T:
        """Register ``item`` under ``name``; a name can be registered once."""
        if name in self:
            raise ValueError(f"{self.kind} {name!r} registered twice")
        self[name] = item
        self.descriptions[name] = description
        return item

    def register(self, name: str, description: str = "") -> Callable[[T], T]:
        """Decorator form of :meth:`add`."""
        return lambda item: self.add(name, item, description)

    def description(self, name: str) -> str:
        """What ``name`` is, for people (its registered description, else its docstring's first line)."""
        doc = (getattr(self[name], "__doc__", None) or "").strip().split("\n")[0]
        return self.descriptions.get(name) or doc

    def lookup(self, name: str) -> T:
        """The item registered as ``name``; an unknown name is an error listing the valid ones."""
        try:
            return self[name]
        except KeyError:
            raise ConfigError(f"unknown {self.kind} {name!r}; choose from: {', '.join(sorted(self))}") from None
