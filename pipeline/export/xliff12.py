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

import functools
from collections.abc import Iterator

from .. import __version__
from ..extract.inline import parse_segment
from ..model import Code, Run, Text
from ..store import SegmentRow
from .common import (XML_DECLARATION, Cleaner, escape_attr, escape_text, file_stem, has_markup, language_tag,
                     link_codes, signature_text, unique_id)
from .registry import ExportContext, Output, exporter
from .splice import Splicer, each_article, hole, layout

__all__ = ["NS", "PAIRED_CTYPES", "PLACEHOLDER_CTYPES", "write_xliff12"]

NS = "urn:oasis:names:tc:xliff:document:1.2"
#: Our paired code types → ``bpt@ctype`` (XLIFF's values; others become ``x-<type>``).
PAIRED_CTYPES = {"bold": "bold", "italic": "italic", "ulined": "underlined", "link": "link"}
#: Our standalone code types → ``ph@ctype``.
PLACEHOLDER_CTYPES = {"image": "image", "lb": "lb"}

_MT_STATE = 'state="needs-review-translation" state-qualifier="mt-suggestion"'
_HT_STATE = 'state="translated"'
_MT_NOTE = "MT: machine translation, needs review"


@functools.lru_cache(maxsize=256)
def _ctype(kind: str, type_: str) -> str:
    """``ctype`` of a ``bpt``/``ph``, escaped."""
    table = PAIRED_CTYPES if kind != "standalone" else PLACEHOLDER_CTYPES
    return escape_attr(table.get(type_) or f"x-{type_}")


def _content(runs: tuple[Run, ...], ids: dict[int, int]) -> str:
    """``source``/``target`` content: text, and ``bpt``/``ept``/``ph`` holding the markup."""
    out = []
    for run in runs:
        if type(run) is Text:
            out.append(escape_text(run.raw))
            continue
        assert isinstance(run, Code)
        id_ = ids[run.pair]
        if run.kind == "begin":
            out.append(f'<bpt id="{id_}" rid="{id_}" ctype="{_ctype(run.kind, run.type)}">'
                       f'{escape_text(run.raw)}</bpt>')
        elif run.kind == "end":
            out.append(f'<ept id="{id_}" rid="{id_}">{escape_text(run.raw)}</ept>')
        else:
            out.append(f'<ph id="{id_}" ctype="{_ctype(run.kind, run.type)}">{escape_text(run.raw)}</ph>')
    return "".join(out)


def _contents_general(source: str, target: str) -> tuple[str, str]:
    """Source and target content of cleaned texts, parsed: what :func:`_contents` gives, slowly."""
    source_runs, target_runs = parse_segment(source).runs, parse_segment(target).runs
    src_ids, tgt_ids = link_codes(source_runs, target_runs)
    return _content(source_runs, src_ids), _content(target_runs, tgt_ids)


@functools.lru_cache(maxsize=4096)
def _marked_source(source: str) -> tuple[str, tuple[Run, ...]]:
    """Content of a cleaned source with markup, and its runs: its codes' ids are their own pair
    numbers whatever the target, and the same English source recurs in every locale."""
    runs = parse_segment(source).runs
    return _content(runs, link_codes(runs, ())[0]), runs


@functools.lru_cache(maxsize=4096)
def _marked_target(source: str, target: str) -> str:
    """Content of a cleaned target with markup, its codes linked to the source's (a unit
    recurs in every occurrence)."""
    runs = parse_segment(target).runs
    source_runs = _marked_source(source)[1] if has_markup(source) else ()
    return _content(runs, link_codes(source_runs, runs)[1])


def _contents(source: str, target: str) -> tuple[str, str]:
    """Source and target content of cleaned texts, what :func:`_contents_general` gives: text
    without markup (most) is only escaped, a source's content is reused in every locale."""
    source_xml = _marked_source(source)[0] if has_markup(source) else escape_text(source)
    return source_xml, _marked_target(source, target) if has_markup(target) else escape_text(target)


def _file_start(signature: str, first: SegmentRow, src: str, tgt: str, clean: Cleaner) -> str:
    """The start tag and header of one ``<file>`` (an article); ``src``, ``tgt`` escaped."""
    notes = "".join([f'\n      <note from="front-matter">{escape_text(clean(f"{key}: {value}"))}</note>'
                     for key, value in (("ms.translationtype", first.translation_type),
                                        ("ms.sourcegitcommit", first.source_commit),
                                        ("ms.locfileid", first.locfileid), ("ms.lasthandoff", first.lasthandoff))
                     if value])
    return (f'\n  <file original="{escape_attr(clean(first.file))}" datatype="x-markdown"'
            f' source-language="{src}" target-language="{tgt}" tool-id="tmpipe">'
            f'\n    <header>'
            f'\n      <tool tool-id="tmpipe" tool-name="tmpipe" tool-version="{escape_attr(__version__)}"></tool>'
            f'\n      <note from="tmpipe">tmpipe signature: {signature}</note>{notes}'
            f'\n    </header>'
            f'\n    <body>')


_FILE_END = "\n    </body>\n  </file>"


def _article(rows: list[SegmentRow], src: str, tgt: str) -> tuple[str, list[int]]:
    """One article's ``<file>``, each occurrence a ``trans-unit``, the signature a hole;
    ``(xml, [units, characters replaced])``.  ``src``, ``tgt`` escaped.

    What the article's units share (its path, the note on its translation type) is cleaned
    and written once, and cleaning's count added for each unit as if it cleaned them itself."""
    clean = Cleaner()
    parts = [_file_start(hole("signature"), rows[0], src, tgt, clean)]
    seen: set[str] = set()
    counted = Cleaner()
    path = escape_text(counted(rows[0].file))
    path_illegal = counted.count
    translation_type: str | None = ""
    note = ""
    note_illegal = 0
    for row in rows:
        if row.translation_type != translation_type:
            counted = Cleaner()
            label = _MT_NOTE if row.translation_type == "MT" else counted(row.translation_type or "")
            note = f'\n        <note from="tmpipe">{escape_text(label)}</note>' if label else ""
            translation_type, note_illegal = row.translation_type, counted.count
        illegal = clean.count
        resname = clean(row.id)
        clean.count += clean.count - illegal + path_illegal + note_illegal  # the id is cleaned twice
        unit_id = resname or "segment"
        if unit_id in seen:
            unit_id = unique_id(unit_id, seen)
        else:
            seen.add(unit_id)
        resname_attr = escape_attr(resname)
        source, target = _contents(clean(row.source_raw), clean(row.target_raw))
        parts.append(f'\n      <trans-unit id="{resname_attr if unit_id is resname else escape_attr(unit_id)}"'
                     f' resname="{resname_attr}" xml:space="preserve">'
                     f'\n        <source>{source}</source>'
                     f'\n        <target {_MT_STATE if translation_type == "MT" else _HT_STATE} xml:lang="{tgt}">'
                     f'{target}</target>'
                     f'\n        <context-group purpose="location">'
                     f'\n          <context context-type="sourcefile">{path}</context>'
                     f'\n          <context context-type="linenumber">{row.line}</context>'
                     f'\n        </context-group>{note}'
                     f'\n      </trans-unit>')
    parts.append(_FILE_END)
    return "".join(parts), [len(rows), clean.count]


@exporter("xliff-1.2", per_locale=True, description="XLIFF 1.2 per target locale, one <file> per article (xliff-1.2/en-US_fr-FR.xlf)")
def write_xliff12(ctx: ExportContext) -> Iterator[Output]:
    """``xliff-1.2/<src>_<tgt>.xlf`` per locale pair: every occurrence, one ``<file>`` per article
    (copied from the previous build's file when the article is unchanged)."""
    for source_locale, target_locale in ctx.locale_pairs():
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        rel = f"xliff-1.2/{file_stem(src)}_{file_stem(tgt)}.xlf"
        clean = Cleaner()
        holes = {"signature": escape_text(clean(signature_text(ctx.signature)))}
        src_attr, tgt_attr = escape_attr(src), escape_attr(tgt)
        with Splicer(ctx.out, rel, layout("xliff-1.2", src, tgt)) as doc:
            doc.write(f'{XML_DECLARATION}<xliff xmlns="{NS}" version="1.2">')
            files = units = 0
            for article_units, illegal in each_article(doc, ctx.store, source_locale, target_locale,
                                                       lambda rows: _article(rows, src_attr, tgt_attr),
                                                       lambda _: holes):
                files += 1
                units += article_units
                clean.count += illegal
            doc.write("\n</xliff>")
        yield Output(rel, "xliff-1.2", units, src, tgt, {"files": files, "illegal_chars": clean.count})
