"""Translation memories the compiled core's twins are compared on: the project's articles, the
export fixtures, pairs no article holds, and the dev corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CORPUS
from support.builds import EDGE_CORPUS
from support.synthetic import make_store

from pipeline.build import extract_corpus
from pipeline.store import Store, open_store

__all__ = ["KINDS", "twin_store"]

#: The TMs, by name; ``dev`` is marked ``shared``.
KINDS = ["corpus", "edge", "synthetic", pytest.param("dev", marks=pytest.mark.shared)]

#: Pairs no article of the corpora holds: XML-illegal characters, quotes and backslashes, entities,
#: outer whitespace, crossing and unmatched codes, ids that are no NMTOKEN or repeat, aligned pairs.
ODD = [
    ("a-1", "Bad \x01 char **x**", "Mauvais \x0b **x**"), ("a-2", "", ""),
    ("a-3", '`a"b\\\\c` "q"', '`a"b\\\\c` « q »'), ("a-4", "&amp; &lt;b&gt; <b>x</b>", "&amp; <b>x</b>"),
    ("a 5", "  lead and trail \n", "\u00a0avant et après  "), ("a-1", "*a **b* c**", "**b *a** c*"),
    ("x\ufffe-p12", "line\r\nbreak\tand\ttab", "ligne\r\ncoupée"), ("7-p3", "**only begin", "fin**"),
    ("<id>", "[link](x.md \"t\") ![img](i.png)", "![img](i.png) [lien](x.md)"),
    ("a-6", " `code` ", "`code`  "), ("a-7", "\x00", "\ud7ff\x1f"),
]


def twin_store(kind: str, path: Path, request: pytest.FixtureRequest) -> Store:
    """A TM at ``path`` of one of :data:`KINDS`."""
    if kind == "synthetic":
        return make_store(path, [("fr-FR/odd.md", "fr-FR", "MT", ODD), ("fr-FR/ht.md", "fr-FR", "HT", ODD[::-1]),
                                 ("ja-JP/odd.md", "ja-JP", "HT", ODD[2:5])])
    root = {"corpus": CORPUS, "edge": EDGE_CORPUS}.get(kind) or request.getfixturevalue("dev_corpus")
    store = open_store(path)
    extract_corpus([root], store)
    store.commit()
    return store


def stores(request: pytest.FixtureRequest, factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = twin_store(request.param, factory.mktemp("tm") / "tm.sqlite", request)
    yield store
    store.close()
