"""XLIFF 2.1 (core namespace ``urn:oasis:names:tc:xliff:document:2.0``): one document per locale pair.

Files: ``xliff-2/<src>_<tgt>.xlf`` (``xliff-2/en-US_fr-FR.xlf``), valid against the
OASIS ``xliff-core-2.0.xsd`` (2.1 keeps the 2.0 core schema).

Principles:

1. Per occurrence, like XLIFF 1.2: one ``<file id="fN" original="path">`` per
   article, one ``<unit>`` per segment (``id`` = the segment id when it is a valid,
   unused NMTOKEN, else ``uN``; ``name`` = the segment id), one ``<segment>`` each.
2. ``segment@state`` is ``translated`` for human translation; machine translation
   is ``initial`` with ``subState="tmpipe:mt"`` (present, not yet reviewed), and so is an
   aligned pair that needs review (``subState="tmpipe:aligned"``, :func:`~pipeline.model.needs_review`).
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

from ..chars import XML_ILLEGAL
from ..core import twin
from ..model import Code, Run, Text, needs_review
from ..output import Output, Rendered, signature_text
from ..rows import OccurrenceRow
from .codes import link_codes, well_nested
from .names import file_stem, language_tag, unique_id
from .registry import Document, DocumentContext, Format, Part, register
from .xml import XML_DECLARATION, Cleaner, escape_attr, escape_text, illegal_spans

__all__ = ["NS", "CODE_TYPES", "XLIFF2"]

NS = "urn:oasis:names:tc:xliff:document:2.0"
#: Our code types → ``(type, subType)`` of ``pc``/``ph``/``sc``; others are ``other``/``tmpipe:<type>``.
CODE_TYPES = {
    "bold": ("fmt", "xlf:b"), "italic": ("fmt", "xlf:i"), "ulined": ("fmt", "xlf:u"), "lb": ("fmt", "xlf:lb"),
    "bolditalic": ("fmt", "tmpipe:bolditalic"), "sup": ("fmt", "tmpipe:sup"), "sub": ("fmt", "tmpipe:sub"),
    "code": ("fmt", "tmpipe:code"), "link": ("link", "tmpipe:link"), "image": ("image", "tmpipe:image"),
}

_NMTOKEN = re.compile(r"[\w.:-]+")  # whole id (fullmatch): "$" would let a final newline through
_MT_STATE = 'state="initial" subState="tmpipe:mt"'
_REVIEW_STATE = 'state="initial" subState="tmpipe:aligned"'
_HT_STATE = 'state="translated"'


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
        if text.isprintable() or not XML_ILLEGAL.search(text):
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


def _body(row: OccurrenceRow, text: _Text) -> tuple[str, str, str]:
    """``(originalData element, source content, target content)`` of a unit; a side of one text
    run (most) is only escaped."""
    source, target = row.source.runs, row.target.runs
    if len(source) <= 1 and len(target) <= 1 and not any(type(run) is Code for run in source + target):
        return "", "".join(text(run.raw) for run in source), "".join(text(run.raw) for run in target)
    src_ids, tgt_ids = link_codes(source, target)
    data: dict[str, str] = {}
    for run in source + target:
        if type(run) is Code:
            data.setdefault(run.raw, f"d{len(data) + 1}")
    source_xml = _content(source, src_ids, data, text)
    target_xml = _content(target, tgt_ids, data, text)
    original = "".join([f'\n        <data id="{data_id}">{text(raw)}</data>' for raw, data_id in data.items()])
    if original:
        original = f"\n      <originalData>{original}\n      </originalData>"
    return original, source_xml, target_xml


def _note(category: str, text: str, indent: str, clean: Cleaner) -> str:
    return f'\n{indent}<note category="{category}">{escape_text(clean(text))}</note>'


def _file_start(part: Part[OccurrenceRow], clean: Cleaner) -> str:
    """The start tag and notes of one ``<file>`` (an article)."""
    article = part.rows[0].article
    notes = "".join([_note(key, value, "      ", clean) for key, value in (
        ("ms.translationtype", article.translation_type), ("ms.sourcegitcommit", article.source_commit),
        ("ms.locfileid", article.locfileid), ("ms.lasthandoff", article.lasthandoff)) if value])
    return (f'\n  <file id="{part.values["file"]}" original="{escape_attr(clean(article.path))}">'
            f'\n    <notes>\n      <note category="tmpipe-signature">{part.values["signature"]}</note>{notes}'
            f'\n    </notes>')


def _state(row: OccurrenceRow, mt: bool) -> str:
    if mt:
        return _MT_STATE
    return _REVIEW_STATE if needs_review(row.origin, row.score) else _HT_STATE


def _article(part: Part[OccurrenceRow]) -> Rendered:
    """One article's ``<file>``, each occurrence a ``unit``.

    What the article's units share (its path, the note on its translation type) is cleaned and
    written once, and cleaning's count added for each unit as if it cleaned them itself."""
    rows = part.rows
    clean = Cleaner()
    text = _Text()
    out = [_file_start(part, clean)]
    article = rows[0].article
    counted = Cleaner()
    path = escape_text(counted(article.path))
    type_note = (_note("translation-type", article.translation_type, "        ", counted)
                 if article.translation_type else "")
    mt = article.translation_type == "MT"
    seen: set[str] = set()
    for row in rows:
        clean.count += counted.count
        unit_id = row.id if _NMTOKEN.fullmatch(row.id) else "unit"
        if unit_id in seen:
            unit_id = unique_id(unit_id, seen)
        else:
            seen.add(unit_id)
        original, source, target = _body(row, text)
        out.append(f'\n    <unit id="{escape_attr(unit_id)}" name="{escape_attr(clean(row.id))}"'
                   f' xml:space="preserve">'
                   f'\n      <notes>'
                   f'\n        <note category="location">{path}:{row.line}</note>{type_note}'
                   f'\n      </notes>{original}'
                   f'\n      <segment {_state(row, mt)}>'
                   f'\n        <source>{source}</source>'
                   f'\n        <target>{target}</target>'
                   f'\n      </segment>'
                   f'\n    </unit>')
    out.append("\n  </file>")
    return Rendered("".join(out), {"units": len(rows), "illegal_chars": clean.count + text.cps})


def _render(part: Part[OccurrenceRow]) -> Rendered:
    return _core_article(part)


def _files(ctx: DocumentContext) -> list[Document[OccurrenceRow]]:
    signature = Cleaner()
    signature_xml = escape_text(signature(signature_text(ctx.signature)))
    documents = []
    for source_locale, target_locale in ctx.pairs:
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        rel = f"xliff-2/{file_stem(src)}_{file_stem(tgt)}.xlf"

        def output(counts: dict[str, int], rel: str = rel, src: str = src, tgt: str = tgt) -> Output:
            files = counts.get("parts", 0)  # the signature is in every <file>
            return Output(rel, "xliff-2", counts.get("units", 0), src, tgt,
                          {"files": files, "illegal_chars": counts.get("illegal_chars", 0) + files * signature.count})

        documents.append(Document(
            rel, "articles", f'{XML_DECLARATION}<xliff xmlns="{NS}" version="2.1" srcLang="{escape_attr(src)}"'
                             f' trgLang="{escape_attr(tgt)}">', "\n</xliff>", _render, output,
            ((target_locale, source_locale),),
            values=lambda number: {"file": f"f{number}", "signature": signature_xml}))
    return documents


XLIFF2 = register(Format("xliff-2", "XLIFF 2.1 per target locale, one <file> per article (xliff-2/en-US_fr-FR.xlf)",
                         _files, per_locale=True))

#: ``_article`` on the core in use (``pipeline.core``).
_core_article = twin(_article, "pipeline.export.cxliff2")
