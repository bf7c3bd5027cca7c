"""Source drift: the English changed after the translation was made.

Given ``--english DIR`` (the current English articles), a segment drifted when
its source no longer occurs in the matching English article, compared after
decoding entities and collapsing whitespace (and, failing that, with all
whitespace removed, so re-wrapped lines and ``_ **x**`` still match).  The
finding names the closest current English sentence (difflib over words), the
similarity (0–1) and a word diff.  When ``DIR`` is in a git checkout, the
article at ``ms.sourcegitcommit`` is compared with ``HEAD`` and a file-level
finding says that the article changed since translation (a commit the
checkout does not have is skipped).  Articles with no English match get one
``info`` finding each.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterator
from typing import Any

from .. import progress
from ..store import Store
from ..english import EnglishTree, no_space, sentences
from .findings import Finding
from .registry import CheckContext, check
from .text import collapse

__all__ = ["source_drift", "closest", "word_diff", "MIN_SIMILARITY"]

_WORDS = re.compile(r"\S+")
_TOKENS = re.compile(r"\w+|[^\w\s]")
_SPACED = re.compile(r"\s*(?:\w+|[^\w\s])\s*")


def word_diff(old: str, new: str) -> list[list[str]]:
    """``[[op, text], ...]`` with op ``=`` (kept), ``-`` (only in ``old``), ``+`` (only in ``new``).

    Words and punctuation are compared apart; each text keeps its spacing, so
    joining the ``=`` and ``+`` texts rebuilds ``new`` and the ``=`` and ``-`` texts ``old``.
    """
    a, b = _SPACED.findall(old), _SPACED.findall(new)
    ops: list[list[str]] = []
    matcher = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(["=", "".join(b[j1:j2])])
            continue
        if i2 > i1:
            ops.append(["-", "".join(a[i1:i2])])
        if j2 > j1:
            ops.append(["+", "".join(b[j1:j2])])
    return ops


def closest(source: str, candidates: list[str],
            tokens: list[list[str]] | None = None) -> tuple[str | None, float]:
    """The candidate most similar to ``source`` (difflib ratio over words and punctuation) and that ratio.

    ``tokens``: each candidate's words and punctuation, when the caller keeps them (an article's
    sentences are compared with each of its drifted sources: split once, not once per source)."""
    words = _TOKENS.findall(source)
    best, best_ratio = None, 0.0
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(words)
    for at, candidate in enumerate(candidates):
        theirs = tokens[at] if tokens is not None else _TOKENS.findall(candidate)
        if 2 * min(len(theirs), len(words)) <= best_ratio * (len(theirs) + len(words)):
            continue  # real_quick_ratio, before the matcher is set up
        matcher.set_seq1(theirs)
        if matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best, round(best_ratio, 3)


def _tree(ctx: CheckContext, store: Store) -> EnglishTree:
    if "english-tree" not in ctx.cache:
        ctx.cache["english-tree"] = EnglishTree(ctx.english, prefixes=store.root_prefixes())  # type: ignore[arg-type]
    return ctx.cache["english-tree"]  # type: ignore[no-any-return]


def _file_finding(ctx: CheckContext, severity: Any, locale: str, file: str, message: str,
                  **extra: Any) -> Finding:
    return Finding(ctx.info.id, severity, locale, file, 0, None, "", "", message, extra, key=extra["reason"])


#: Below this similarity the closest current sentence is not the drifted source's new wording but
#: some other sentence: the finding says "no close sentence" instead of proposing it.
MIN_SIMILARITY = 0.5


@check("source-drift", severity="warning", scope="corpus", needs="english", min_similarity=MIN_SIMILARITY)
def source_drift(store: Store, ctx: CheckContext) -> Iterator[Finding]:
    """Source no longer occurs in the current English article (the English changed after translation)."""
    tree = _tree(ctx, store)
    commits = {row.path: row.source_commit for row in store.qa_files()}
    per_file: dict[str, dict[str, Any]] = ctx.cache.setdefault("report:source-drift", {})
    for file, rows in itertools.groupby(store.segments(), key=lambda r: (r.article.locale, r.article.path)):
        locale, path = file
        english = tree.match(path)
        stats: dict[str, Any] = {"locale": locale, "english": english, "segments": 0, "drifted": 0,
                                 "changed_since_translation": None}
        per_file[path] = stats
        if english is None:
            stats["segments"] = sum(1 for _ in rows)
            progress.advance(stats["segments"])
            yield _file_finding(ctx, "info", locale, path, "no English article matches this file in "
                                f"{ctx.english}; drift not checked", reason="no-english")
            continue
        article = tree.article(english)
        for row in rows:
            stats["segments"] += 1
            progress.advance()
            source_raw = row.source.raw
            flat = collapse(source_raw)
            if not flat or flat in article["flat"] or no_space(source_raw) in article["bare"]:
                continue
            stats["drifted"] += 1
            if flat not in article["closest"]:
                if article["sentences"] is None:
                    found = sentences(article["text"])
                    article["sentences"], article["tokens"] = found, [_TOKENS.findall(text) for text in found]
                article["closest"][flat] = closest(flat, article["sentences"], article["tokens"])
            best, similarity = article["closest"][flat]
            if best is None or similarity < ctx.options["min_similarity"]:
                message = (f"source no longer in the English article, and no close sentence there (closest"
                           f" similarity {similarity:.2f} < {ctx.options['min_similarity']:.2f})")
                best, diff = None, []
            else:
                message = (f"source changed in the English article (similarity {similarity:.2f}); "
                           f"now: {best[:120]}")
                diff = word_diff(flat, best)
            yield Finding(ctx.info.id, ctx.severity, locale, path, row.line, row.id, source_raw,
                          row.target.raw, message, {"english": best, "similarity": similarity, "diff": diff,
                                                    "english_file": english})
        commit = commits.get(path)
        if commit and tree.git_top() is not None:
            old, head = tree.git_blobs(english, commit)
            # a commit the checkout does not know (a shallow clone, or DIR inside some other
            # repository) says nothing: no finding, "changed_since_translation" stays null
            stats["changed_since_translation"] = None if old is None else old != head
            if old is not None and old != head:
                yield _file_finding(ctx, ctx.severity, locale, path, f"the English article changed since "
                                    f"translation ({commit[:12]} → HEAD); {stats['drifted']} of "
                                    f"{stats['segments']} segments drifted", reason="article-changed",
                                    commit=commit, english_file=english, drifted=stats["drifted"])
