"""XLIFF 1.2 (strict): one document per locale pair, one ``<file>`` per article, for translation vendors.

Files: ``xliff-1.2/<src>_<tgt>.xlf`` (``xliff-1.2/en-US_fr-FR.xlf``), valid against
OASIS ``xliff-core-1.2-strict.xsd``.

Principles:

1. Per occurrence, not per unit: every segment of every article is a
   ``trans-unit`` in its article's ``<file original="path" datatype="x-markdown">``,
   in document order, so a vendor sees the article as it is.
2. ``trans-unit@id`` is the segment id (``resname`` too), made unique within the
   ``<file>`` with a ``.2``, ``.3``… suffix when an article repeats an id.
3. ``target@state`` is ``translated`` for human translation, and
   ``needs-review-translation`` with ``state-qualifier="mt-suggestion"`` for
   articles marked ``ms.translationtype: MT``.
4. Inline codes as ``bpt``/``ept`` (same ``id`` and ``rid``) and ``ph``, the original
   markup as content, ``ctype`` from :data:`PAIRED_CTYPES`/:data:`PLACEHOLDER_CTYPES`;
   a target code has the id of its source counterpart.
5. ``xml:space="preserve"`` on each ``trans-unit``: text is written exactly, outer
   whitespace included; XML-illegal characters become U+FFFD (``illegal_chars``).
6. Provenance: a ``context-group`` (source file, line) per unit, front matter and the
   reproducibility signature as ``<note>``s in each ``<file>``'s header.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from lxml import etree

from .. import __version__
from ..atomic import atomic_path
from ..model import Code, Run, Text
from ..store import SegmentRow
from .common import (Cleaner, file_stem, language_tag, link_codes, parse_clean, signature_text,
                     unique_id)
from .registry import ExportContext, Output, exporter

__all__ = ["NS", "PAIRED_CTYPES", "PLACEHOLDER_CTYPES", "write_xliff12"]

NS = "urn:oasis:names:tc:xliff:document:1.2"
#: Our paired code types → ``bpt@ctype`` (XLIFF's values; others become ``x-<type>``).
PAIRED_CTYPES = {"bold": "bold", "italic": "italic", "ulined": "underlined", "link": "link"}
#: Our standalone code types → ``ph@ctype``.
PLACEHOLDER_CTYPES = {"image": "image", "lb": "lb"}

_Q = "{%s}" % NS


def _ctype(code: Code) -> str:
    table = PAIRED_CTYPES if code.kind != "standalone" else PLACEHOLDER_CTYPES
    return table.get(code.type) or f"x-{code.type}"


def _content(xf: Any, runs: tuple[Run, ...], ids: dict[int, int]) -> None:
    for run in runs:
        if isinstance(run, Text):
            xf.write(run.raw)
            continue
        id_ = str(ids[run.pair])
        if run.kind == "begin":
            element = xf.element(_Q + "bpt", id=id_, rid=id_, ctype=_ctype(run))
        elif run.kind == "end":
            element = xf.element(_Q + "ept", id=id_, rid=id_)
        else:
            element = xf.element(_Q + "ph", id=id_, ctype=_ctype(run))
        with element:
            xf.write(run.raw)


def _text_element(xf: Any, tag: str, text: str, indent: str, **attrs: str) -> None:
    xf.write("\n" + indent)
    with xf.element(_Q + tag, attrs):
        xf.write(text)


def _write_file(xf: Any, ctx: ExportContext, rows: Iterator[SegmentRow],
                first: SegmentRow, src: str, tgt: str, clean: Cleaner) -> int:
    """One ``<file>`` (an article); returns how many trans-units it holds."""
    xf.write("\n  ")
    count = 0
    with xf.element(_Q + "file", {"original": clean(first.file), "datatype": "x-markdown",
                                  "source-language": src, "target-language": tgt, "tool-id": "tmpipe"}):
        xf.write("\n    ")
        with xf.element(_Q + "header"):
            xf.write("\n      ")
            with xf.element(_Q + "tool", {"tool-id": "tmpipe", "tool-name": "tmpipe", "tool-version": __version__}):
                pass
            _text_element(xf, "note", f"tmpipe signature: {signature_text(ctx.signature)}", "      ",
                          **{"from": "tmpipe"})
            for key, value in (("ms.translationtype", first.translation_type),
                               ("ms.sourcegitcommit", first.source_commit),
                               ("ms.locfileid", first.locfileid), ("ms.lasthandoff", first.lasthandoff)):
                if value:
                    _text_element(xf, "note", clean(f"{key}: {value}"), "      ", **{"from": "front-matter"})
            xf.write("\n    ")
        xf.write("\n    ")
        seen: set[str] = set()
        with xf.element(_Q + "body"):
            for row in rows:
                _write_unit(xf, row, unique_id(clean(row.id) or "segment", seen), tgt, clean)
                count += 1
            xf.write("\n    ")
        xf.write("\n  ")
    return count


def _write_unit(xf: Any, row: SegmentRow, unit_id: str, tgt: str, clean: Cleaner) -> None:
    source = parse_clean(row.source_raw, clean)
    target = parse_clean(row.target_raw, clean)
    src_ids, tgt_ids = link_codes(source.runs, target.runs)
    mt = row.translation_type == "MT"
    state = ({"state": "needs-review-translation", "state-qualifier": "mt-suggestion"} if mt
             else {"state": "translated"})
    xf.write("\n      ")
    with xf.element(_Q + "trans-unit", {"id": unit_id, "resname": clean(row.id),
                                        "xml:space": "preserve"}):
        xf.write("\n        ")
        with xf.element(_Q + "source"):
            _content(xf, source.runs, src_ids)
        xf.write("\n        ")
        with xf.element(_Q + "target", {**state, "xml:lang": tgt}):
            _content(xf, target.runs, tgt_ids)
        xf.write("\n        ")
        with xf.element(_Q + "context-group", purpose="location"):
            _text_element(xf, "context", clean(row.file), "          ", **{"context-type": "sourcefile"})
            _text_element(xf, "context", str(row.line), "          ", **{"context-type": "linenumber"})
            xf.write("\n        ")
        label = "MT: machine translation, needs review" if mt else (row.translation_type or "")
        if label:
            _text_element(xf, "note", label, "        ", **{"from": "tmpipe"})
        xf.write("\n      ")


@exporter("xliff-1.2")
def write_xliff12(ctx: ExportContext) -> Iterator[Output]:
    """``xliff-1.2/<src>_<tgt>.xlf`` per locale pair: every occurrence, one ``<file>`` per article."""
    for source_locale, target_locale in ctx.locale_pairs():
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        rel = f"xliff-1.2/{file_stem(src)}_{file_stem(tgt)}.xlf"
        clean = Cleaner()
        units = files = 0
        rows = (row for row in ctx.store.segments(target_locale) if row.source_locale == source_locale)
        with atomic_path(ctx.out / rel) as tmp, etree.xmlfile(str(tmp), encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element(_Q + "xliff", {"version": "1.2"}, nsmap={None: NS}):
                for _, article in groupby(rows, key=lambda row: row.file):
                    first = next(article)
                    units += _write_file(xf, ctx, _chain(first, article), first, src, tgt, clean)
                    files += 1
                xf.write("\n")
        yield Output(rel, "xliff-1.2", units, src, tgt, {"files": files, "illegal_chars": clean.count})


def _chain(first: SegmentRow, rest: Iterator[SegmentRow]) -> Iterator[SegmentRow]:
    yield first
    yield from rest
