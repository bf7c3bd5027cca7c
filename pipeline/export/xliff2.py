"""XLIFF 2.1 (core namespace ``urn:oasis:names:tc:xliff:document:2.0``): one document per locale pair.

Files: ``xliff-2/<src>_<tgt>.xlf`` (``xliff-2/en-US_fr-FR.xlf``), valid against the
OASIS ``xliff-core-2.0.xsd`` (2.1 keeps the 2.0 core schema).

Principles:

1. Per occurrence, like XLIFF 1.2: one ``<file id="fN" original="path">`` per
   article, one ``<unit>`` per segment (``id`` = the segment id when it is a valid,
   unused NMTOKEN, else ``uN``; ``name`` = the segment id), one ``<segment>`` each.
2. ``segment@state`` is ``translated`` for human translation; machine translation
   is ``initial`` with ``subState="tmpipe:mt"`` (present, not yet reviewed).
3. Inline markup lives in ``<originalData>``: one ``<data id="dN">`` per distinct
   piece of markup in the unit; well-nested pairs become ``<pc dataRefStart
   dataRefEnd>``, standalone codes ``<ph dataRef>``; a segment whose pairs cross
   uses ``<sc>``/``<ec startRef>`` for all of them.  ``type``/``subType`` come from
   :data:`CODE_TYPES`.  A target code has the ``id`` of its source counterpart.
4. ``xml:space="preserve"`` on every unit: text is exact, outer whitespace included.
5. Characters XML forbids are written losslessly as ``<cp hex="…"/>`` in text and
   original data (the standard's own mechanism), U+FFFD in attributes and notes;
   both are counted in ``illegal_chars``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import groupby
from typing import Any

from lxml import etree

from ..atomic import atomic_path
from ..model import Code, Run, Segment, Text
from ..extract.inline import parse_segment
from ..store import SegmentRow
from .common import (Cleaner, file_stem, illegal_spans, language_tag, link_codes, signature_text,
                     unique_id, well_nested)
from .registry import ExportContext, Output, exporter

__all__ = ["NS", "CODE_TYPES", "write_xliff2"]

NS = "urn:oasis:names:tc:xliff:document:2.0"
#: Our code types → ``(type, subType)`` of ``pc``/``ph``/``sc``; others are ``other``/``tmpipe:<type>``.
CODE_TYPES = {
    "bold": ("fmt", "xlf:b"), "italic": ("fmt", "xlf:i"), "ulined": ("fmt", "xlf:u"), "lb": ("fmt", "xlf:lb"),
    "bolditalic": ("fmt", "tmpipe:bolditalic"), "sup": ("fmt", "tmpipe:sup"), "sub": ("fmt", "tmpipe:sub"),
    "code": ("fmt", "tmpipe:code"), "link": ("link", "tmpipe:link"), "image": ("image", "tmpipe:image"),
}

_Q = "{%s}" % NS
_NMTOKEN = re.compile(r"^[\w.:-]+$")


def _types(code: Code) -> dict[str, str]:
    type_, sub = CODE_TYPES.get(code.type) or ("other", f"tmpipe:{re.sub(r'[^A-Za-z0-9_.-]', '_', code.type)}")
    return {"type": type_, "subType": sub}


class _Writer:
    """State of one document: the stream and the illegal-character count."""

    def __init__(self, xf: Any) -> None:
        self.xf = xf
        self.clean = Cleaner()
        self.cps = 0

    def text(self, text: str) -> None:
        """Write text, illegal characters as ``<cp hex>``."""
        for chunk, codepoint in illegal_spans(text):
            if codepoint is None:
                self.xf.write(chunk)
            else:
                self.cps += 1
                with self.xf.element(_Q + "cp", hex=f"{codepoint:04X}"):
                    pass

    def note(self, category: str, text: str, indent: str) -> None:
        self.xf.write("\n" + indent)
        with self.xf.element(_Q + "note", category=category):
            self.xf.write(self.clean(text))

    def content(self, runs: tuple[Run, ...], ids: dict[int, int], data: dict[str, str]) -> None:
        """Source or target content: text, ``pc``/``ph`` (or ``sc``/``ec``) referring to ``data``."""
        if well_nested(runs):
            self._nested(runs, 0, len(runs), ids, data)
            return
        for run in runs:
            if isinstance(run, Text):
                self.text(run.raw)
            elif run.kind == "end":
                self._empty("ec", {"startRef": str(ids[run.pair]), "dataRef": data[run.raw]})
            else:
                self._empty("ph" if run.kind == "standalone" else "sc",
                            {"id": str(ids[run.pair]), "dataRef": data[run.raw], **_types(run)})

    def _nested(self, runs: tuple[Run, ...], start: int, stop: int, ids: dict[int, int],
                data: dict[str, str]) -> None:
        index = start
        while index < stop:
            run = runs[index]
            if isinstance(run, Text):
                self.text(run.raw)
            elif run.kind == "standalone":
                self._empty("ph", {"id": str(ids[run.pair]), "dataRef": data[run.raw], **_types(run)})
            else:  # a begin: its end is the matching code further on (well nested)
                close = next(i for i in range(index + 1, stop)
                             if isinstance(other := runs[i], Code) and other.pair == run.pair)
                end = runs[close]
                with self.xf.element(_Q + "pc", {"id": str(ids[run.pair]), "dataRefStart": data[run.raw],
                                                 "dataRefEnd": data[end.raw], **_types(run)}):
                    self._nested(runs, index + 1, close, ids, data)
                index = close
            index += 1

    def _empty(self, tag: str, attrs: dict[str, str]) -> None:
        with self.xf.element(_Q + tag, attrs):
            pass


def _write_unit(w: _Writer, row: SegmentRow, unit_id: str) -> None:
    source, target = parse_segment(row.source_raw), parse_segment(row.target_raw)
    src_ids, tgt_ids = link_codes(source.runs, target.runs)
    data: dict[str, str] = {}
    for code in source.codes + target.codes:
        data.setdefault(code.raw, f"d{len(data) + 1}")
    xf = w.xf
    xf.write("\n    ")
    with xf.element(_Q + "unit", {"id": unit_id, "name": w.clean(row.id), "xml:space": "preserve"}):
        xf.write("\n      ")
        with xf.element(_Q + "notes"):
            w.note("location", f"{row.file}:{row.line}", "        ")
            if row.translation_type:
                w.note("translation-type", row.translation_type, "        ")
            xf.write("\n      ")
        if data:
            xf.write("\n      ")
            with xf.element(_Q + "originalData"):
                for raw, data_id in data.items():
                    xf.write("\n        ")
                    with xf.element(_Q + "data", id=data_id):
                        w.text(raw)
                xf.write("\n      ")
        mt = row.translation_type == "MT"
        xf.write("\n      ")
        with xf.element(_Q + "segment", {"state": "initial", "subState": "tmpipe:mt"} if mt
                        else {"state": "translated"}):
            _side(w, "source", source, src_ids, data)
            _side(w, "target", target, tgt_ids, data)
            xf.write("\n      ")
        xf.write("\n    ")


def _side(w: _Writer, tag: str, segment: Segment, ids: dict[int, int], data: dict[str, str]) -> None:
    w.xf.write("\n        ")
    with w.xf.element(_Q + tag):
        w.content(segment.runs, ids, data)


def _write_file(w: _Writer, ctx: ExportContext, file_id: str, rows: Iterator[SegmentRow],
                first: SegmentRow) -> int:
    xf = w.xf
    xf.write("\n  ")
    count = 0
    with xf.element(_Q + "file", {"id": file_id, "original": w.clean(first.file)}):
        xf.write("\n    ")
        with xf.element(_Q + "notes"):
            w.note("tmpipe-signature", signature_text(ctx.signature), "      ")
            for key, value in (("ms.translationtype", first.translation_type),
                               ("ms.sourcegitcommit", first.source_commit),
                               ("ms.locfileid", first.locfileid), ("ms.lasthandoff", first.lasthandoff)):
                if value:
                    w.note(key, value, "      ")
            xf.write("\n    ")
        seen: set[str] = set()
        for row in rows:
            _write_unit(w, row, unique_id(row.id if _NMTOKEN.match(row.id) else "unit", seen))
            count += 1
        xf.write("\n  ")
    return count


@exporter("xliff-2")
def write_xliff2(ctx: ExportContext) -> Iterator[Output]:
    """``xliff-2/<src>_<tgt>.xlf`` per locale pair: every occurrence, one ``<file>`` per article."""
    for source_locale, target_locale in ctx.locale_pairs():
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        rel = f"xliff-2/{file_stem(src)}_{file_stem(tgt)}.xlf"
        units = files = 0
        rows = (row for row in ctx.store.segments(target_locale) if row.source_locale == source_locale)
        with atomic_path(ctx.out / rel) as tmp, etree.xmlfile(str(tmp), encoding="UTF-8") as xf:
            w = _Writer(xf)
            xf.write_declaration()
            with xf.element(_Q + "xliff", {"version": "2.1", "srcLang": src, "trgLang": tgt}, nsmap={None: NS}):
                for _, article in groupby(rows, key=lambda row: row.file):
                    first = next(article)
                    files += 1
                    units += _write_file(w, ctx, f"f{files}", _chain(first, article), first)
                xf.write("\n")
        yield Output(rel, "xliff-2", units, src, tgt,
                     {"files": files, "illegal_chars": w.cps + w.clean.count})


def _chain(first: SegmentRow, rest: Iterator[SegmentRow]) -> Iterator[SegmentRow]:
    yield first
    yield from rest
