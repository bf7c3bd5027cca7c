"""Builds tmpipe's compiled core: every ``pipeline/**/*.pyx`` becomes a C extension (Cython, then
the C compiler).  The rest of the project's metadata is in ``pyproject.toml``.

Without a C compiler (or Cython) tmpipe still installs: the extensions are skipped with one line
saying so, and ``pipeline.core`` picks the pure-Python modules at run time.  Each extension is
told the SHA-256 of its ``.pyx``, so a module built from an older source is not used.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
NOT_BUILT = "tmpipe: the compiled core is not built ({}); tmpipe runs on the pure-Python core"


def _say(reason: str) -> None:
    print(NOT_BUILT.format(reason), file=sys.stderr, flush=True)


class BuildCore(build_ext):
    """``build_ext`` where a module that cannot be compiled is skipped with one line, and left out
    of the outputs (an editable install copies every output into the source tree)."""

    def build_extensions(self) -> None:
        self.check_extensions_list(self.extensions)
        built, failed = [], {}
        for ext in self.extensions:
            try:
                self.build_extension(ext)
            except Exception as exc:  # a missing compiler, missing Python headers: all mean "pure Python"
                failed[ext.name] = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            else:
                built.append(ext)
        self.extensions = built
        if failed:  # the core is all or nothing (pipeline.core): one line for all its modules
            _say(f"{', '.join(failed)}: {next(iter(failed.values()))}")


def _extensions() -> list[Extension]:
    sources = sorted((ROOT / "pipeline").rglob("*.pyx"))
    try:
        from Cython.Build import cythonize
    except ImportError:
        _say("Cython is not installed")
        return []
    modules = [
        Extension(".".join(path.relative_to(ROOT).with_suffix("").parts), [str(path.relative_to(ROOT))],
                  define_macros=[("TMPIPE_SOURCE_SHA256", f'"{hashlib.sha256(path.read_bytes()).hexdigest()}"')])
        for path in sources
    ]
    return cythonize(modules, build_dir="build/cython", quiet=True, language_level=3, include_path=[str(ROOT)])


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildCore})
