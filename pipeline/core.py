"""Which core does the per-segment work: the compiled modules, or the pure-Python ones they twin.

The pure-Python modules are the reference, and always there.  A compiled module (a ``.pyx``,
built by ``pip install`` where a C compiler is found: see ``setup.py``) gives the same results
faster; a module asks for a function's twin where it defines or imports the function::

    scan_pairs = twin(spans.scan_pairs, "pipeline.extract.cspans")

The compiled core is in use unless ``TMPIPE_PURE`` is set (to anything but ``""`` or ``0``), or
one of :data:`MODULES` is not built, or was built from another version of the ``.pyx`` beside it;
then every twin is the pure-Python function, and :func:`describe` says why.  It is all or
nothing, so one answer holds for the whole process, and it is decided from the files alone
(each built module holds the SHA-256 of its source), without importing any of them: a compiled
module imports the pure modules it twins, which ask for their twins as they are imported.  A
compiled module is imported by the first :func:`twin` that asks for it; one that was built from
its source yet does not import is a broken install, said as such.  A module that asks for a twin
does so after its own definitions (at its end), so that the compiled module may import them.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.machinery
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

__all__ = ["MODULES", "PURE_ENV", "compiled", "describe", "twin"]

#: The compiled modules.
MODULES = ("pipeline.extract.cinline", "pipeline.extract.cspans", "pipeline.store.ccodec", "pipeline.export.cxml",
           "pipeline.export.ccodes", "pipeline.export.ctmx", "pipeline.export.cxliff12", "pipeline.export.cxliff2",
           "pipeline.export.cpo", "pipeline.export.ctabular")
#: Set to force the pure-Python core (tests of both cores, comparisons, a suspected core bug).
PURE_ENV = "TMPIPE_PURE"

_T = TypeVar("_T")
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class _Core:
    reason: str | None
    """Why the pure-Python core is in use (None on the compiled core)."""


def built(name: str, root: Path = _PACKAGE) -> Path | None:
    """The extension file of module ``name`` (``pipeline.x.cmodule``) below the package folder
    ``root``, if it was built."""
    folder = root.joinpath(*name.split(".")[1:-1])
    stem = name.rsplit(".", 1)[-1]
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        if (folder / f"{stem}{suffix}").is_file():
            return folder / f"{stem}{suffix}"
    return None


def stale(extension: Path) -> bool:
    """Whether ``extension`` was built from another source than the ``.pyx`` beside it, if any
    (a built module holds its source's SHA-256 as text: ``ccommon.pxd``)."""
    source = extension.with_name(extension.name.split(".", 1)[0] + ".pyx")
    if not source.is_file():
        return False
    return hashlib.sha256(source.read_bytes()).hexdigest().encode("ascii") not in extension.read_bytes()


@functools.cache
def _core() -> _Core:
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return _Core(f"{PURE_ENV} is set")
    for name in MODULES:
        extension = built(name)
        if extension is None:
            return _Core(f"{name} is not built (no C compiler when tmpipe was installed?)")
        if stale(extension):
            return _Core(f"{name} was built from an older source: install again (make)")
    return _Core(None)


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
    if not compiled():
        return pure
    try:
        found = importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"the compiled core is broken: {module} does not import ({exc}); install tmpipe"
                          f" again, or set {PURE_ENV}=1 to use the pure-Python core") from exc
    return getattr(found, pure.__name__)  # type: ignore[attr-defined,no-any-return]
