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

import functools
import re
from collections.abc import Iterator

from ..extract.inline import parse_segment
from ..model import Code, Run, Text
from ..store import SegmentRow
from .common import (ILLEGAL_XML, XML_DECLARATION, Cleaner, escape_attr, escape_text, file_stem, has_markup,
                     illegal_spans, language_tag, link_codes, signature_text, unique_id, well_nested)
from .registry import ExportContext, Output, exporter
from .splice import Splicer, each_article, hole, layout

__all__ = ["NS", "CODE_TYPES", "write_xliff2"]

NS = "urn:oasis:names:tc:xliff:document:2.0"
#: Our code types → ``(type, subType)`` of ``pc``/``ph``/``sc``; others are ``other``/``tmpipe:<type>``.
CODE_TYPES = {
    "bold": ("fmt", "xlf:b"), "italic": ("fmt", "xlf:i"), "ulined": ("fmt", "xlf:u"), "lb": ("fmt", "xlf:lb"),
    "bolditalic": ("fmt", "tmpipe:bolditalic"), "sup": ("fmt", "tmpipe:sup"), "sub": ("fmt", "tmpipe:sub"),
    "code": ("fmt", "tmpipe:code"), "link": ("link", "tmpipe:link"), "image": ("image", "tmpipe:image"),
}

_NMTOKEN = re.compile(r"[\w.:-]+")  # whole id (fullmatch): "$" would let a final newline through
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
    """Source or target content: text, ``pc``/``ph`` (or ``sc``/``ec``) referring to ``data``.

    Well-nested pairs are ``pc`` elements: a ``begin`` writes the start tag, its ``end`` the end tag."""
    nested = well_nested(runs)
    if nested:
        ends = {run.pair: run.raw for run in runs if isinstance(run, Code) and run.kind == "end"}
    out = []
    for run in runs:
        if isinstance(run, Text):
            out.append(text(run.raw))
        elif run.kind == "standalone":
            out.append(f'<ph id="{ids[run.pair]}" dataRef="{data[run.raw]}" {_types(run.type)}></ph>')
        elif not nested:
            if run.kind == "end":
                out.append(f'<ec startRef="{ids[run.pair]}" dataRef="{data[run.raw]}"></ec>')
            else:
                out.append(f'<sc id="{ids[run.pair]}" dataRef="{data[run.raw]}" {_types(run.type)}></sc>')
        elif run.kind == "begin":
            out.append(f'<pc id="{ids[run.pair]}" dataRefStart="{data[run.raw]}"'
                       f' dataRefEnd="{data[ends[run.pair]]}" {_types(run.type)}>')
        else:
            out.append("</pc>")
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


@functools.lru_cache(maxsize=4096)
def _marked_source(source: str) -> tuple[tuple[Run, ...], dict[str, str], str, int]:
    """A source with markup: its runs, its codes' data ids, its content and the ``<cp>`` in it.
    Its codes come first in a unit's ``originalData`` and their ids are their own pair
    numbers, whatever the target: the same English source recurs in every locale."""
    text = _Text()
    runs = parse_segment(source).runs
    data: dict[str, str] = {}
    for run in runs:
        if isinstance(run, Code):
            data.setdefault(run.raw, f"d{len(data) + 1}")
    return runs, data, _content(runs, link_codes(runs, ())[0], data, text), text.cps


@functools.lru_cache(maxsize=4096)
def _marked_body(source: str, target: str) -> tuple[str, str, str, int]:
    """:func:`_body_general` of a unit with markup (a unit recurs in every occurrence)."""
    text = _Text()
    if not has_markup(source):
        source_runs: tuple[Run, ...] = ()
        data: dict[str, str] = {}
        source_xml, cps = text(source), 0
    else:
        source_runs, source_data, source_xml, cps = _marked_source(source)
        data = dict(source_data)
    if not has_markup(target):
        target_xml = text(target)
    else:
        runs = parse_segment(target).runs
        for run in runs:
            if isinstance(run, Code):
                data.setdefault(run.raw, f"d{len(data) + 1}")
        target_xml = _content(runs, link_codes(source_runs, runs)[1], data, text)
    original = "".join([f'\n        <data id="{data_id}">{text(raw)}</data>' for raw, data_id in data.items()])
    if original:
        original = f"\n      <originalData>{original}\n      </originalData>"
    return original, source_xml, target_xml, cps + text.cps


def _body(source: str, target: str) -> tuple[str, str, str, int]:
    """:func:`_body_general`; text without markup (most) is written without parsing it."""
    if not has_markup(source) and not has_markup(target):
        if source.isprintable() and target.isprintable():  # nothing XML forbids (most)
            return "", escape_text(source), escape_text(target), 0
        text = _Text()
        return "", text(source), text(target), text.cps
    return _marked_body(source, target)


def _note(category: str, text: str, indent: str, clean: Cleaner) -> str:
    return f'\n{indent}<note category="{category}">{escape_text(clean(text))}</note>'


def _file_start(first: SegmentRow, clean: Cleaner) -> str:
    """The start tag and notes of one ``<file>`` (an article); its id and the signature are holes."""
    notes = "".join([_note(key, value, "      ", clean) for key, value in (
        ("ms.translationtype", first.translation_type), ("ms.sourcegitcommit", first.source_commit),
        ("ms.locfileid", first.locfileid), ("ms.lasthandoff", first.lasthandoff)) if value])
    return (f'\n  <file id="{hole("file")}" original="{escape_attr(clean(first.file))}">'
            f'\n    <notes>\n      <note category="tmpipe-signature">{hole("signature")}</note>{notes}'
            f'\n    </notes>')


def _article(rows: list[SegmentRow]) -> tuple[str, list[int]]:
    """One article's ``<file>``, each occurrence a ``unit``; ``(xml, [units, characters replaced,
    <cp> written])``.

    What the article's units share (its path, the note on its translation type) is cleaned and
    written once, and cleaning's count added for each unit as if it cleaned them itself."""
    clean = Cleaner()
    parts = [_file_start(rows[0], clean)]
    cps = 0
    translation_type: str | None = None
    type_note = ""
    type_illegal = 0
    seen: set[str] = set()
    counted = Cleaner()
    path = escape_text(counted(rows[0].file))
    path_illegal = counted.count
    for row in rows:
        if row.translation_type != translation_type:
            counted = Cleaner()
            type_note = (_note("translation-type", row.translation_type, "        ", counted)
                         if row.translation_type else "")
            translation_type, type_illegal = row.translation_type, counted.count
        clean.count += path_illegal + type_illegal
        unit_id = row.id if _NMTOKEN.fullmatch(row.id) else "unit"
        if unit_id in seen:
            unit_id = unique_id(unit_id, seen)
        else:
            seen.add(unit_id)
        original, source, target, unit_cps = _body(row.source_raw, row.target_raw)
        cps += unit_cps
        parts.append(f'\n    <unit id="{escape_attr(unit_id)}" name="{escape_attr(clean(row.id))}"'
                     f' xml:space="preserve">'
                     f'\n      <notes>'
                     f'\n        <note category="location">{path}:{row.line}</note>{type_note}'
                     f'\n      </notes>{original}'
                     f'\n      <segment {_MT_STATE if translation_type == "MT" else _HT_STATE}>'
                     f'\n        <source>{source}</source>'
                     f'\n        <target>{target}</target>'
                     f'\n      </segment>'
                     f'\n    </unit>')
    parts.append("\n  </file>")
    return "".join(parts), [len(rows), clean.count, cps]


@exporter("xliff-2", per_locale=True, description="XLIFF 2.1 per target locale, one <file> per article (xliff-2/en-US_fr-FR.xlf)")
def write_xliff2(ctx: ExportContext) -> Iterator[Output]:
    """``xliff-2/<src>_<tgt>.xlf`` per locale pair: every occurrence, one ``<file>`` per article
    (copied from the previous build's file when the article is unchanged)."""
    signature = Cleaner()
    signature_xml = escape_text(signature(signature_text(ctx.signature)))
    for source_locale, target_locale in ctx.locale_pairs():
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        rel = f"xliff-2/{file_stem(src)}_{file_stem(tgt)}.xlf"
        with Splicer(ctx.out, rel, layout("xliff-2", src, tgt)) as doc:
            doc.write(f'{XML_DECLARATION}<xliff xmlns="{NS}" version="2.1" srcLang="{escape_attr(src)}"'
                      f' trgLang="{escape_attr(tgt)}">')
            files = units = illegal = 0
            for article_units, article_illegal, cps in each_article(
                    doc, ctx.store, source_locale, target_locale, _article,
                    lambda n: {"file": f"f{n}", "signature": signature_xml}):
                files += 1
                units += article_units
                illegal += article_illegal + cps + signature.count  # the signature is in every <file>
            doc.write("\n</xliff>")
        yield Output(rel, "xliff-2", units, src, tgt, {"files": files, "illegal_chars": illegal})
