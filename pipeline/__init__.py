"""tmpipe: translation memories, exports and QA from side-by-side localized Markdown."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__version__ = "0.1.0"
__all__ = ["__version__", "code_digest"]


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of every module of tmpipe (the compiled core's sources too): what a cache of rendered output or findings keys on
    besides the version, so that a change to the code (a checkout between releases) is a
    change of output as far as the cache knows (~4 ms)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.pyx")]):
        digest.update(f"{path.relative_to(package).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
