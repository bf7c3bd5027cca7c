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

from .. import __version__
from ..core import twin
from ..model import Code, Run, Text, needs_review
from ..output import Output, Rendered, signature_text
from ..rows import OccurrenceRow
from .codes import link_codes
from .names import file_stem, language_tag, unique_id
from .registry import Document, DocumentContext, Format, Part, register
from .xml import XML_DECLARATION, Cleaner, escape_attr, escape_text

__all__ = ["NS", "PAIRED_CTYPES", "PLACEHOLDER_CTYPES", "XLIFF12"]

NS = "urn:oasis:names:tc:xliff:document:1.2"
#: Our paired code types → ``bpt@ctype`` (XLIFF's values; others become ``x-<type>``).
PAIRED_CTYPES = {"bold": "bold", "italic": "italic", "ulined": "underlined", "link": "link"}
#: Our standalone code types → ``ph@ctype``.
PLACEHOLDER_CTYPES = {"image": "image", "lb": "lb"}

_MT_STATE = 'state="needs-review-translation" state-qualifier="mt-suggestion"'
_REVIEW_STATE = 'state="needs-review-translation" state-qualifier="tm-suggestion"'
_HT_STATE = 'state="translated"'
_MT_NOTE = "MT: machine translation, needs review"


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


def _contents(row: OccurrenceRow, clean: Cleaner) -> tuple[str, str]:
    """Source and target content, cleaned; a side of one text run (most) is only escaped."""
    source, target = clean.runs(row.source.runs), clean.runs(row.target.runs)
    if len(source) <= 1 and len(target) <= 1 and not any(type(run) is Code for run in source + target):
        return "".join(escape_text(run.raw) for run in source), "".join(escape_text(run.raw) for run in target)
    src_ids, tgt_ids = link_codes(source, target)
    return _content(source, src_ids), _content(target, tgt_ids)


def _file_start(signature: str, row: OccurrenceRow, src: str, tgt: str, clean: Cleaner) -> str:
    """The start tag and header of one ``<file>`` (an article); ``signature``, ``src``, ``tgt`` escaped."""
    article = row.article
    notes = "".join([f'\n      <note from="front-matter">{escape_text(clean(f"{key}: {value}"))}</note>'
                     for key, value in (("ms.translationtype", article.translation_type),
                                        ("ms.sourcegitcommit", article.source_commit),
                                        ("ms.locfileid", article.locfileid), ("ms.lasthandoff", article.lasthandoff))
                     if value])
    return (f'\n  <file original="{escape_attr(clean(article.path))}" datatype="x-markdown"'
            f' source-language="{src}" target-language="{tgt}" tool-id="tmpipe">'
            f'\n    <header>'
            f'\n      <tool tool-id="tmpipe" tool-name="tmpipe" tool-version="{escape_attr(__version__)}"></tool>'
            f'\n      <note from="tmpipe">tmpipe signature: {signature}</note>{notes}'
            f'\n    </header>'
            f'\n    <body>')


_FILE_END = "\n    </body>\n  </file>"


def _state(row: OccurrenceRow, mt: bool) -> str:
    if mt:
        return _MT_STATE
    if needs_review(row.origin, row.score):
        return _REVIEW_STATE
    return _HT_STATE


def _article(part: Part[OccurrenceRow], src: str, tgt: str) -> Rendered:
    """One article's ``<file>``, each occurrence a ``trans-unit``.  ``src``, ``tgt`` escaped.

    What the article's units share (its path, the note on its translation type) is cleaned
    and written once, and cleaning's count added for each unit as if it cleaned them itself."""
    rows = part.rows
    clean = Cleaner()
    out = [_file_start(part.values["signature"], rows[0], src, tgt, clean)]
    counted = Cleaner()
    article = rows[0].article
    path = escape_text(counted(article.path))
    mt = article.translation_type == "MT"
    label = _MT_NOTE if mt else counted(article.translation_type or "")
    note = f'\n        <note from="tmpipe">{escape_text(label)}</note>' if label else ""
    seen: set[str] = set()
    for row in rows:
        illegal = clean.count
        resname = clean(row.id)
        clean.count += clean.count - illegal + counted.count  # the id is cleaned twice; path and note again
        unit_id = resname or "segment"
        if unit_id in seen:
            unit_id = unique_id(unit_id, seen)
        else:
            seen.add(unit_id)
        resname_attr = escape_attr(resname)
        source, target = _contents(row, clean)
        out.append(f'\n      <trans-unit id="{resname_attr if unit_id is resname else escape_attr(unit_id)}"'
                   f' resname="{resname_attr}" xml:space="preserve">'
                   f'\n        <source>{source}</source>'
                   f'\n        <target {_state(row, mt)} xml:lang="{tgt}">{target}</target>'
                   f'\n        <context-group purpose="location">'
                   f'\n          <context context-type="sourcefile">{path}</context>'
                   f'\n          <context context-type="linenumber">{row.line}</context>'
                   f'\n        </context-group>{note}'
                   f'\n      </trans-unit>')
    out.append(_FILE_END)
    return Rendered("".join(out), {"units": len(rows), "illegal_chars": clean.count})


def _render(part: Part[OccurrenceRow], src: str, tgt: str) -> Rendered:
    return _core_article(part, src, tgt)


def _values(values: dict[str, str], number: int) -> dict[str, str]:
    return values


def _files(ctx: DocumentContext) -> list[Document[OccurrenceRow]]:
    documents = []
    for source_locale, target_locale in ctx.pairs:
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        rel = f"xliff-1.2/{file_stem(src)}_{file_stem(tgt)}.xlf"
        clean = Cleaner()
        values = {"signature": escape_text(clean(signature_text(ctx.signature)))}
        src_attr, tgt_attr = escape_attr(src), escape_attr(tgt)

        def output(counts: dict[str, int], rel: str = rel, src: str = src, tgt: str = tgt,
                   extra: int = clean.count) -> Output:
            return Output(rel, "xliff-1.2", counts.get("units", 0), src, tgt,
                          {"files": counts.get("parts", 0), "illegal_chars": counts.get("illegal_chars", 0) + extra})

        documents.append(Document(
            rel, "articles", f'{XML_DECLARATION}<xliff xmlns="{NS}" version="1.2">', "\n</xliff>",
            functools.partial(_render, src=src_attr, tgt=tgt_attr), output,
            ((target_locale, source_locale),), values=functools.partial(_values, values)))
    return documents


XLIFF12 = register(Format("xliff-1.2", "XLIFF 1.2 per target locale, one <file> per article (xliff-1.2/en-US_fr-FR.xlf)",
                          _files, per_locale=True))

#: ``_article`` on the core in use (``pipeline.core``).
_core_article = twin(_article, "pipeline.export.cxliff12")
