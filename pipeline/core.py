"""Which core does the per-segment work: the compiled modules, or the pure-Python ones they twin.

The pure-Python modules are the reference, and always there.  A compiled module (a ``.pyx``,
built by ``pip install`` where a C compiler is found: see ``setup.py``) gives the same results
faster; a caller asks for a function's twin where it imports the function::

    scan_pairs = twin(spans.scan_pairs, "pipeline.extract.cspans")

The compiled core is in use unless ``TMPIPE_PURE`` is set (to anything but ``""`` or ``0``), or
one of :data:`MODULES` is not built, does not import, or was built from another version of the
``.pyx`` beside it; then every twin is the pure-Python function, and :func:`describe` says why.
It is all or nothing, so one answer holds for the whole process.  The modules are imported at
the first question, not with this module: they import the pure-Python modules they twin.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TypeVar

__all__ = ["MODULES", "PURE_ENV", "compiled", "describe", "twin"]

#: The compiled modules.
MODULES = ("pipeline.extract.cinline", "pipeline.extract.cspans", "pipeline.store.ccodec")
#: Set to force the pure-Python core (tests of both cores, comparisons, a suspected core bug).
PURE_ENV = "TMPIPE_PURE"

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class _Core:
    modules: dict[str, ModuleType]
    """The compiled modules by name; empty on the pure-Python core."""
    reason: str | None
    """Why the pure-Python core is in use (None on the compiled core)."""


def _stale(module: ModuleType) -> bool:
    """Whether ``module`` was built from another source than the ``.pyx`` beside it, if any."""
    source = Path(module.__file__ or "").with_name(module.__name__.rsplit(".", 1)[-1] + ".pyx")
    return source.is_file() and hashlib.sha256(source.read_bytes()).hexdigest() != module.SOURCE_SHA256


@functools.cache
def _core() -> _Core:
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return _Core({}, f"{PURE_ENV} is set")
    modules = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            return _Core({}, f"{name} is not built (no C compiler when tmpipe was installed?)")
        except ImportError as exc:
            return _Core({}, f"{name} does not import: {exc}")
        if _stale(module):
            return _Core({}, f"{name} was built from an older source: install again (make)")
        modules[name] = module
    return _Core(modules, None)


def compiled() -> bool:
    """Whether the compiled core is in use."""
    return not _core().reason


def describe() -> str:
    """``compiled``, or ``pure Python`` with the reason, for ``tmpipe --version``."""
    reason = _core().reason
    return f"pure Python: {reason}" if reason else "compiled"


def twin(pure: _T, module: str) -> _T:
    """``pure``'s compiled twin, the function of the same name in ``module``, when the compiled
    core is in use; else ``pure``."""
    if module not in MODULES:
        raise ValueError(f"{module} is not one of pipeline.core.MODULES")
    found = _core().modules.get(module)
    return pure if found is None else getattr(found, pure.__name__)  # type: ignore[attr-defined]
