"""Whether QA's outside inputs fit the TM: what ``--english DIR`` matches, what ``--baseline TM`` shares.

A drift check against inputs that match nothing finds nothing, and a green gate would then
say nothing either: the build warns, ``tmpipe qa`` stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..english import EnglishTree
from ..store import Store, open_store

__all__ = ["EnglishCoverage", "english_coverage", "baseline_warning", "input_warnings"]


@dataclass(frozen=True, slots=True)
class EnglishCoverage:
    """How the TM's articles match the English articles of ``--english DIR``."""

    english: str
    """The folder."""
    articles: int
    """Articles of the TM that have pairs."""
    matched: int
    """Of those, how many have an English article."""
    unmatched: tuple[str, ...]
    """The paths of the others (the reports list them too, as ``source-drift`` infos)."""

    def message(self) -> str:
        """One line: how many matched, and the first unmatched ones."""
        text = f"--english {self.english}: {self.matched} of {self.articles} articles have an English article"
        if self.unmatched:
            shown = ", ".join(self.unmatched[:3]) + (", …" if len(self.unmatched) > 3 else "")
            text += f"; {len(self.unmatched)} have none ({shown})"
        return text


def english_coverage(store: Store, english: Path) -> EnglishCoverage:
    """Match every article of ``store`` with pairs against the English folder, as ``source-drift`` does."""
    tree = EnglishTree(english, prefixes=store.root_prefixes())
    paths = [row.path for row in store.qa_files()]
    unmatched = tuple(path for path in paths if tree.match(path) is None)
    return EnglishCoverage(str(english), len(paths), len(paths) - len(unmatched), unmatched)


def baseline_warning(store: Store, baseline: Path) -> str | None:
    """Why ``--baseline TM`` cannot tell version drift (no locale or no article in common), or None."""
    base = open_store(baseline, readonly=True)
    try:
        theirs, their_files = set(base.locales()), set(base.known_hashes())
    finally:
        base.close()
    ours, our_files = set(store.locales()), set(store.known_hashes())
    if not theirs & ours:
        return (f"--baseline {baseline}: its locales ({', '.join(sorted(theirs)) or 'none'}) are not this TM's"
                f" ({', '.join(sorted(ours))}): version-drift compares nothing")
    if not their_files & our_files:
        return (f"--baseline {baseline}: none of its {len(their_files)} articles is one of this TM's"
                f" {len(our_files)} (other files, or other corpus roots): version-drift compares nothing")
    return None


def input_warnings(store: Store, english: Path | None, baseline: Path | None
                   ) -> tuple[EnglishCoverage | None, list[str]]:
    """The English coverage (with ``english``) and a warning for each input that fits nothing."""
    warnings = []
    coverage = english_coverage(store, english) if english is not None else None
    if coverage is not None and coverage.articles and not coverage.matched:
        warnings.append(f"{coverage.message()}: source-drift checks nothing (give the folder the article"
                        " paths continue in, e.g. the English repository's root)")
    problem = baseline_warning(store, baseline) if baseline is not None else None
    if problem:
        warnings.append(problem)
    return coverage, warnings
