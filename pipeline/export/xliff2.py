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

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from itertools import groupby

from ..atomic import atomic_path
from ..extract.inline import parse_segment
from ..model import Code, Run, Text
from ..store import SegmentRow
from .common import (ILLEGAL_XML, XML_DECLARATION, Cleaner, escape_attr, escape_text, file_stem, has_markup,
                     illegal_spans, language_tag, link_codes, open_xml, signature_text, unique_id, well_nested)
from .registry import ExportContext, Output, exporter

__all__ = ["NS", "CODE_TYPES", "write_xliff2"]

NS = "urn:oasis:names:tc:xliff:document:2.0"
#: Our code types → ``(type, subType)`` of ``pc``/``ph``/``sc``; others are ``other``/``tmpipe:<type>``.
CODE_TYPES = {
    "bold": ("fmt", "xlf:b"), "italic": ("fmt", "xlf:i"), "ulined": ("fmt", "xlf:u"), "lb": ("fmt", "xlf:lb"),
    "bolditalic": ("fmt", "tmpipe:bolditalic"), "sup": ("fmt", "tmpipe:sup"), "sub": ("fmt", "tmpipe:sub"),
    "code": ("fmt", "tmpipe:code"), "link": ("link", "tmpipe:link"), "image": ("image", "tmpipe:image"),
}

_NMTOKEN = re.compile(r"^[\w.:-]+$")
_MT_STATE = 'state="initial" subState="tmpipe:mt"'
_HT_STATE = 'state="translated"'


@functools.lru_cache(maxsize=256)
def _types(type_name: str) -> str:
    """The ``type`` and ``subType`` attributes of a code, as written."""
    type_, sub = CODE_TYPES.get(type_name) or ("other", f"tmpipe:{re.sub(r'[^A-Za-z0-9_.-]', '_', type_name)}")
    return f'type="{escape_attr(type_)}" subType="{escape_attr(sub)}"'


class _Text:
    """Writes text with the characters XML forbids as ``<cp hex>``, counting them."""

    __slots__ = ("cps",)

    def __init__(self) -> None:
        self.cps = 0

    def __call__(self, text: str) -> str:
        if text.isprintable() or not ILLEGAL_XML.search(text):
            return escape_text(text)
        out = []
        for chunk, codepoint in illegal_spans(text):
            if codepoint is None:
                out.append(escape_text(chunk))
            else:
                self.cps += 1
                out.append(f'<cp hex="{codepoint:04X}"></cp>')
        return "".join(out)


def _content(runs: tuple[Run, ...], ids: dict[int, int], data: dict[str, str], text: _Text) -> str:
    """Source or target content: text, ``pc``/``ph`` (or ``sc``/``ec``) referring to ``data``."""
    if well_nested(runs):
        return _nested(runs, 0, len(runs), ids, data, text)
    out = []
    for run in runs:
        if type(run) is Text:
            out.append(text(run.raw))
            continue
        assert isinstance(run, Code)
        if run.kind == "end":
            out.append(f'<ec startRef="{ids[run.pair]}" dataRef="{data[run.raw]}"></ec>')
        else:
            tag = "ph" if run.kind == "standalone" else "sc"
            out.append(f'<{tag} id="{ids[run.pair]}" dataRef="{data[run.raw]}" {_types(run.type)}></{tag}>')
    return "".join(out)


def _nested(runs: tuple[Run, ...], start: int, stop: int, ids: dict[int, int], data: dict[str, str],
            text: _Text) -> str:
    out = []
    index = start
    while index < stop:
        run = runs[index]
        if type(run) is Text:
            out.append(text(run.raw))
        else:
            assert isinstance(run, Code)
            if run.kind == "standalone":
                out.append(f'<ph id="{ids[run.pair]}" dataRef="{data[run.raw]}" {_types(run.type)}></ph>')
            else:  # a begin: its end is the matching code further on (well nested)
                close = next(i for i in range(index + 1, stop)
                             if isinstance(other := runs[i], Code) and other.pair == run.pair)
                end = runs[close]
                inner = _nested(runs, index + 1, close, ids, data, text)
                out.append(f'<pc id="{ids[run.pair]}" dataRefStart="{data[run.raw]}" dataRefEnd="{data[end.raw]}"'
                           f' {_types(run.type)}>{inner}</pc>')
                index = close
        index += 1
    return "".join(out)


def _body_general(source: str, target: str) -> tuple[str, str, str, int]:
    """``(originalData element, source content, target content, <cp> written)`` of a unit,
    parsed: what :func:`_body` gives, slowly."""
    text = _Text()
    source_runs, target_runs = parse_segment(source).runs, parse_segment(target).runs
    src_ids, tgt_ids = link_codes(source_runs, target_runs)
    data: dict[str, str] = {}
    for run in source_runs + target_runs:
        if type(run) is Code:
            data.setdefault(run.raw, f"d{len(data) + 1}")
    original = "".join([f'\n        <data id="{data_id}">{text(raw)}</data>' for raw, data_id in data.items()])
    if original:
        original = f"\n      <originalData>{original}\n      </originalData>"
    return (original, _content(source_runs, src_ids, data, text), _content(target_runs, tgt_ids, data, text),
            text.cps)


#: :func:`_body_general` of a unit with markup (a unit recurs in every occurrence).
_marked_body = functools.lru_cache(maxsize=4096)(_body_general)


def _body(source: str, target: str) -> tuple[str, str, str, int]:
    """:func:`_body_general`; text without markup (most) is written without parsing it."""
    if has_markup(source) is None and has_markup(target) is None:
        text = _Text()
        return "", text(source), text(target), text.cps
    return _marked_body(source, target)


class _Writer:
    """State of one document: the illegal-character counts, and what units of an article share."""

    def __init__(self) -> None:
        self.clean = Cleaner()
        self.cps = 0
        self._file: str | None = None
        self._path = ""
        self._illegal = 0
        self._translation_type: str | None = None
        self._type_note = ""
        self._type_illegal = 0

    def note(self, category: str, text: str, indent: str) -> str:
        return f'\n{indent}<note category="{category}">{escape_text(self.clean(text))}</note>'

    def unit(self, row: SegmentRow, unit_id: str) -> str:
        """One ``unit``."""
        if row.file != self._file:  # cleaned once per article, counted per unit as if cleaned again
            counted = Cleaner()
            self._path = escape_text(counted(row.file))
            self._file, self._illegal = row.file, counted.count
        if row.translation_type != self._translation_type:
            counted = Cleaner()
            self._type_note = (f'\n        <note category="translation-type">'
                               f'{escape_text(counted(row.translation_type))}</note>' if row.translation_type else "")
            self._translation_type, self._type_illegal = row.translation_type, counted.count
        self.clean.count += self._illegal + self._type_illegal
        original, source, target, cps = _body(row.source_raw, row.target_raw)
        self.cps += cps
        return (f'\n    <unit id="{escape_attr(unit_id)}" name="{escape_attr(self.clean(row.id))}"'
                f' xml:space="preserve">'
                f'\n      <notes>'
                f'\n        <note category="location">{self._path}:{row.line}</note>{self._type_note}'
                f'\n      </notes>{original}'
                f'\n      <segment {_MT_STATE if row.translation_type == "MT" else _HT_STATE}>'
                f'\n        <source>{source}</source>'
                f'\n        <target>{target}</target>'
                f'\n      </segment>'
                f'\n    </unit>')

    def file_start(self, signature: str, file_id: str, first: SegmentRow) -> str:
        """The start tag and notes of one ``<file>`` (an article)."""
        notes = "".join([self.note(key, value, "      ") for key, value in (
            ("ms.translationtype", first.translation_type), ("ms.sourcegitcommit", first.source_commit),
            ("ms.locfileid", first.locfileid), ("ms.lasthandoff", first.lasthandoff)) if value])
        return (f'\n  <file id="{file_id}" original="{escape_attr(self.clean(first.file))}">'
                f'\n    <notes>{self.note("tmpipe-signature", signature, "      ")}{notes}'
                f'\n    </notes>')


@exporter("xliff-2", per_locale=True)
def write_xliff2(ctx: ExportContext) -> Iterator[Output]:
    """``xliff-2/<src>_<tgt>.xlf`` per locale pair: every occurrence, one ``<file>`` per article."""
    signature = signature_text(ctx.signature)
    for source_locale, target_locale in ctx.locale_pairs():
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        rel = f"xliff-2/{file_stem(src)}_{file_stem(tgt)}.xlf"
        units = files = 0
        rows = (row for row in ctx.store.segments(target_locale) if row.source_locale == source_locale)
        w = _Writer()
        with atomic_path(ctx.out / rel) as tmp, open_xml(tmp) as out:
            out.write(f'{XML_DECLARATION}<xliff xmlns="{NS}" version="2.1" srcLang="{escape_attr(src)}"'
                      f' trgLang="{escape_attr(tgt)}">')
            for _, rows_of_file in groupby(rows, key=lambda row: row.file):
                first = next(rows_of_file)
                files += 1
                out.write(w.file_start(signature, f"f{files}", first))
                seen: set[str] = set()
                for row in _chain(first, rows_of_file):
                    out.write(w.unit(row, unique_id(row.id if _NMTOKEN.match(row.id) else "unit", seen)))
                    units += 1
                out.write("\n  </file>")
            out.write("\n</xliff>")
        yield Output(rel, "xliff-2", units, src, tgt,
                     {"files": files, "illegal_chars": w.cps + w.clean.count})


def _chain(first: SegmentRow, rest: Iterator[SegmentRow]) -> Iterator[SegmentRow]:
    yield first
    yield from rest
