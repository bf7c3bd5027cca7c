"""TMX 1.4b: one translation memory per locale pair, for CAT tools (OmegaT, Trados, memoQ, Phrase).

Files: ``tmx/<src>_<tgt>.tmx`` (``tmx/en-US_fr-FR.tmx``); with ``--split-mt`` the
units that are machine translation in every occurrence go to ``tmx/mt/<src>_<tgt>.tmx``
instead (OmegaT users put that one in ``tm/mt/`` so it is never applied as a
100% match); with ``--multilingual`` also ``tmx/multilingual.tmx``.

Principles:

1. One ``tu`` per deduplicated unit, ``tuid`` the unit's key (a digest of locales + source +
   target: stable across rebuilds, unlike row ids), ``usagecount`` = repetitions.
2. Provenance as ``prop type="x-…"``: ``x-file``, ``x-id``, ``x-line``,
   ``x-translation-type``, ``x-source-commit``, ``x-locfileid``, ``x-lasthandoff``,
   ``x-repetitions``, ``x-mt-repetitions``, and for a unit the aligner paired,
   ``x-origin`` (``aligned``) and ``x-align-score``.  Never the plain ``file`` type: OmegaT
   treats a ``tu`` with ``prop type="file"`` as a context-bound alternative and does not apply it.
3. Inline codes: paired markup as ``bpt``/``ept`` (``i`` = the pair within the
   segment, ``x`` = the id shared with the corresponding code of the other
   language, ``type`` from :data:`PAIRED_TYPES`), standalone markup as ``ph``
   (:data:`PLACEHOLDER_TYPES`); the original markup is the element's text.
4. No ``seg`` starts or ends with whitespace: it is moved to the ``tuv``'s
   ``x-leading-whitespace``/``x-trailing-whitespace`` props (a JSON string), so
   ``leading + seg markup + trailing`` is the raw text again.  Nor does the text a
   CAT tool sees once it drops inline codes (OmegaT's default): whitespace between
   codes at the start or end of a segment and its text is written inside the
   nearest such code (:func:`~.codes.tuck_edge_whitespace`), so ```X` requires`` is
   ``<ph>`X` </ph>requires``, which OmegaT matches as ``requires``.
5. XML-illegal characters become U+FFFD, counted in ``illegal_chars``.
6. The header carries the reproducibility signature (``x-tmpipe-signature``).
   No DOCTYPE is written (validators are given the DTD explicitly; readers that
   would try to fetch it cannot fail).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

from .. import __version__
from ..core import twin
from ..model import Code, Run, Text
from ..output import Output, Rendered, signature_text, timestamp
from ..rows import UnitRow, is_mt
from .codes import link_codes
from .names import file_stem, language_tag, translation_label
from .registry import Document, DocumentContext, Format, Part, Stream, register
from .xml import XML_DECLARATION, Cleaner, escape_attr, escape_text

__all__ = ["PAIRED_TYPES", "PLACEHOLDER_TYPES", "TMX"]

#: Our paired code types → TMX ``bpt@type`` (TMX's own values; others become ``x-<type>``).
PAIRED_TYPES = {"bold": "bold", "italic": "italic", "ulined": "ulined", "link": "link"}
#: Our standalone code types → TMX ``ph@type``.
PLACEHOLDER_TYPES = {"image": "image", "lb": "lb"}

_MERGED_PARAGRAPH = re.compile(r"-p\d+$")
_TAIL = "\n  </body>\n</tmx>"

#: One side of a unit as written: ``(leading whitespace, seg content as XML, trailing whitespace)``.
_Seg = tuple[str, str, str]


def _code_type(kind: str, type_: str) -> str:
    """``type`` of a ``bpt``/``ph``, escaped."""
    table = PAIRED_TYPES if kind != "standalone" else PLACEHOLDER_TYPES
    return escape_attr(table.get(type_) or f"x-{type_}")


def _prop(type_: str, value: str, indent: str) -> str:
    """A ``prop`` element; ``value`` already cleaned."""
    return f'\n{indent}<prop type="{type_}">{escape_text(value)}</prop>'


def _whitespace_props(lead: str, trail: str) -> str:
    """A ``tuv``'s ``x-leading-whitespace``/``x-trailing-whitespace`` props."""
    out = _prop("x-leading-whitespace", json.dumps(lead), "        ") if lead else ""
    return out + _prop("x-trailing-whitespace", json.dumps(trail), "        ") if trail else out


def _tuv(lang: str, seg: _Seg, props: str = "") -> str:
    """A ``tuv``: ``lang`` escaped, ``props`` already XML."""
    lead, content, trail = seg
    if lead or trail:
        props += _whitespace_props(lead, trail)
    return f'\n      <tuv xml:lang="{lang}">{props}\n        <seg>{content}</seg>\n      </tuv>'


def _code_xml(code: Code, raw: str, ids: dict[int, int]) -> str:
    """One inline code holding ``raw`` (its markup, maybe with whitespace tucked in): ``bpt``/``ept``/``ph``."""
    if code.kind == "begin":
        return (f'<bpt i="{code.pair}" x="{ids[code.pair]}" type="{_code_type(code.kind, code.type)}">'
                f'{escape_text(raw)}</bpt>')
    if code.kind == "end":
        return f'<ept i="{code.pair}">{escape_text(raw)}</ept>'
    return f'<ph x="{ids[code.pair]}" type="{_code_type(code.kind, code.type)}">{escape_text(raw)}</ph>'


def _seg(runs: tuple[Run, ...], ids: dict[int, int]) -> _Seg:
    """A side as written: outer whitespace taken off (:func:`~.codes.trim_runs`), whitespace
    between edge codes and the text tucked into them (:func:`~.codes.tuck_edge_whitespace`),
    in one pass over the runs' raw texts (a side of one text run, most of them, costs a strip)."""
    if len(runs) == 1 and type(runs[0]) is Text:
        text = runs[0].raw
        kept = text.lstrip()
        core = kept.rstrip()
        return text[:len(text) - len(kept)], escape_text(core), kept[len(core):]
    if not runs:
        return "", "", ""
    raws = [run.raw for run in runs]
    last = len(raws) - 1
    lead = trail = ""
    if type(runs[0]) is Text:
        kept = raws[0].lstrip()
        lead = raws[0][:len(raws[0]) - len(kept)]
        raws[0] = kept
    if type(runs[last]) is Text:
        kept = raws[last].rstrip()
        trail = raws[last][len(kept):]
        raws[last] = kept
    if type(runs[0]) is not Text or not raws[0]:  # codes first: tuck the whitespace after them
        _tuck(runs, raws, range(last + 1), forward=True)
    if type(runs[last]) is not Text or not raws[last]:  # codes last: tuck the whitespace before them
        _tuck(runs, raws, range(last, -1, -1), forward=False)
    out = [escape_text(raw) if type(run) is Text else _code_xml(run, raw, ids)  # type: ignore[arg-type]
           for run, raw in zip(runs, raws)]
    return lead, "".join(out), trail


def _tuck(runs: tuple[Run, ...], raws: list[str], order: range, forward: bool) -> None:
    """Move the whitespace between the codes at one end and the first text into the nearest code
    (an empty text counts as gone, as :func:`~.codes.trim_runs` drops it)."""
    code_at = -1
    for index in order:
        if type(runs[index]) is not Text:
            code_at = index
        elif raws[index]:
            if code_at < 0:
                return
            raw = raws[index]
            kept = raw.lstrip() if forward else raw.rstrip()
            if len(kept) < len(raw):
                if forward:
                    raws[code_at] += raw[:len(raw) - len(kept)]
                else:
                    raws[code_at] = raw[len(kept):] + raws[code_at]
                raws[index] = kept
            if kept:
                return


def _plain(runs: tuple[Run, ...]) -> bool:
    return len(runs) <= 1 and (not runs or type(runs[0]) is Text)


def _sides(unit: UnitRow, clean: Cleaner) -> tuple[_Seg, _Seg]:
    """Both sides of a unit, cleaned and written, the target's codes linked to the source's."""
    source, target = clean.runs(unit.source.runs), clean.runs(unit.target.runs)
    if _plain(source) and _plain(target):
        return _seg(source, {}), _seg(target, {})
    src_ids, tgt_ids = link_codes(source, target)
    return _seg(source, src_ids), _seg(target, tgt_ids)


def _unit_head(tuid: str, usage: int, seg_id: str, props: str) -> str:
    """A ``tu`` start tag followed by its props (already XML)."""
    segtype = ' segtype="paragraph"' if _MERGED_PARAGRAPH.search(seg_id) else ""
    return f'<tu tuid="{tuid}" usagecount="{usage}"{segtype}>{props}'


def _tus(part: Part[UnitRow], src_lang: str, tgt_lang: str) -> Rendered:
    """The ``tu`` of each unit an article shows first (they share its provenance props)."""
    clean = Cleaner()
    units = part.rows
    if not units:
        return Rendered("", {"units": 0, "illegal_chars": 0})
    article = units[0].article
    counted = Cleaner()
    file_prop = _prop("x-file", counted(article.path), "      ") if article.path else ""
    meta = "".join([_prop(type_, counted(value), "      ") for type_, value in (
        ("x-source-commit", article.source_commit), ("x-locfileid", article.locfileid),
        ("x-lasthandoff", article.lasthandoff)) if value])
    out = []
    for unit in units:
        clean.count += counted.count  # the article's props count as written (so cleaned) for every unit
        label = translation_label(article.translation_type, unit.repetitions, unit.mt_repetitions)
        props = (f'{file_prop}{_prop("x-id", clean(unit.seg_id), "      ") if unit.seg_id else ""}'
                 f'\n      <prop type="x-line">{unit.line}</prop>'
                 f'{_prop("x-translation-type", clean(label), "      ") if label else ""}{meta}'
                 f'\n      <prop type="x-repetitions">{unit.repetitions}</prop>'
                 + (f'\n      <prop type="x-mt-repetitions">{unit.mt_repetitions}</prop>'
                    if unit.mt_repetitions else "")
                 + (f'\n      <prop type="x-origin">aligned</prop>\n      <prop type="x-align-score">'
                    f'{unit.score:.3f}</prop>' if unit.origin == "aligned" and unit.score is not None else ""))
        source, target = _sides(unit, clean)
        out.append(f"\n    {_unit_head(unit.key.hex(), unit.repetitions, unit.seg_id, props)}"
                   f"{_tuv(src_lang, source)}{_tuv(tgt_lang, target)}\n    </tu>")
    return Rendered("".join(out), {"units": len(units), "illegal_chars": clean.count})


def _head(ctx: DocumentContext, srclang: str, props: dict[str, str]) -> tuple[str, int]:
    """The XML declaration, ``<tmx>``, the header and ``<body>``; and the characters cleaned."""
    clean = Cleaner()
    props = {"x-tmpipe-signature": signature_text(ctx.signature),
             "x-tmpipe-input": str(ctx.signature.get("input", "")), **props}
    stamp = timestamp().strftime("%Y%m%dT%H%M%SZ")
    return "".join([
        XML_DECLARATION, '<tmx version="1.4">\n  <header creationtool="tmpipe" creationtoolversion="',
        escape_attr(__version__), '" segtype="sentence" o-tmf="tmpipe" adminlang="en-US" srclang="',
        escape_attr(srclang), '" datatype="x-markdown" creationdate="', escape_attr(stamp), '">',
        *[_prop(escape_attr(type_), clean(value), "    ") for type_, value in props.items()],
        "\n  </header>\n  <body>"]), clean.count


def _output(rel: str, src: str | None, tgt: str | None, head_illegal: int,
            **extra: Any) -> Callable[[dict[str, int]], Output]:
    def output(counts: dict[str, int]) -> Output:
        return Output(rel, "tmx", counts.get("units", 0), src, tgt,
                      {**extra, "illegal_chars": counts.get("illegal_chars", 0) + head_illegal})
    return output


def _pair_documents(ctx: DocumentContext, source_locale: str, target_locale: str) -> list[Document[UnitRow]]:
    src, tgt = language_tag(source_locale), language_tag(target_locale)
    src_lang, tgt_lang = escape_attr(src), escape_attr(tgt)
    name = f"{file_stem(src)}_{file_stem(tgt)}.tmx"

    def render(part: Part[UnitRow]) -> Rendered:
        return _core_tus(part, src_lang, tgt_lang)

    def document(rel: str, props: dict[str, str], mt: bool | None) -> Document[UnitRow]:
        head, illegal = _head(ctx, src, props)
        return Document(rel, "units", head, _TAIL, render, _output(rel, src, tgt, illegal, mt=bool(mt)),
                        ((target_locale, source_locale),),
                        select=None if mt is None else (is_mt if mt else lambda unit: not is_mt(unit)),
                        optional=bool(mt))
    props = {"x-tmpipe-target-locale": tgt}
    if not ctx.options.split_mt:
        return [document(f"tmx/{name}", props, None)]
    return [document(f"tmx/{name}", props, False),
            document(f"tmx/mt/{name}", {**props, "x-tmpipe-content": "machine translation only"}, True)]


def _source_id(source_locale: str, source: str) -> str:
    """A multilingual ``tu``'s id: a digest of its source locale and text, each followed by NUL."""
    return hashlib.blake2b(f"{source_locale}\0{source}\0".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _multilingual(ctx: DocumentContext) -> Stream:
    """One ``tu`` per distinct source, one ``tuv`` per language: per target language the
    human translation with the most repetitions wins (MT only when there is nothing else;
    with ``--split-mt`` MT-only units are left out)."""
    pairs = ctx.pairs
    sources = sorted({language_tag(s) for s, _ in pairs})
    srclang = sources[0] if len(sources) == 1 else "*all*"
    head, head_illegal = _head(ctx, srclang, {"x-tmpipe-locales": " ".join(sorted({language_tag(t) for _, t in pairs}))})
    split_mt = ctx.options.split_mt

    def render(units: Iterator[UnitRow], counts: dict[str, int]) -> Iterator[str]:
        clean = Cleaner()
        written = 0
        yield head
        if split_mt:
            units = (unit for unit in units if not is_mt(unit))
        for (source_locale, _), group in groupby(units, key=lambda unit: (unit.source_locale, unit.source.raw)):
            chosen = [next(per_locale) for _, per_locale in groupby(group, key=lambda unit: unit.target_locale)]
            source = clean.runs(chosen[0].source.runs)
            tuvs = [_tuv(escape_attr(language_tag(source_locale)), _seg(source, link_codes(source, ())[0]))]
            for unit in chosen:
                label = translation_label(unit.article.translation_type, unit.repetitions, unit.mt_repetitions)
                props = (f'\n        <prop type="x-file">{escape_text(clean(unit.article.path))}</prop>'
                         f'\n        <prop type="x-id">{escape_text(clean(unit.seg_id))}</prop>'
                         f'\n        <prop type="x-repetitions">{unit.repetitions}</prop>'
                         + (f'\n        <prop type="x-translation-type">{escape_text(clean(label))}</prop>'
                            if label else ""))
                target = clean.runs(unit.target.runs)
                tuvs.append(_tuv(escape_attr(language_tag(unit.target_locale)),
                                 _seg(target, link_codes(source, target)[1]), props))
            usage = sum(unit.repetitions for unit in chosen)
            written += 1
            yield f"\n    {_unit_head(_source_id(source_locale, chosen[0].source.raw), usage, '', '')}" \
                  f"{''.join(tuvs)}\n    </tu>"
        yield _TAIL
        counts.update(units=written, illegal_chars=clean.count + head_illegal)

    def order(unit: UnitRow) -> tuple[str, str, str, bool, int]:
        return unit.source_locale, unit.source.raw, unit.target_locale, is_mt(unit), -unit.repetitions

    return Stream("tmx/multilingual.tmx", pairs, order, render,
                  lambda counts: Output("tmx/multilingual.tmx", "tmx", counts.get("units", 0),
                                        srclang if srclang != "*all*" else None, None,
                                        {"multilingual": True, "illegal_chars": counts.get("illegal_chars", 0)}))


def _files(ctx: DocumentContext) -> list[Document[UnitRow] | Stream]:
    files: list[Document[UnitRow] | Stream] = [
        document for source, target in ctx.pairs for document in _pair_documents(ctx, source, target)]
    if ctx.options.multilingual and ctx.pairs == ctx.all_pairs:  # across every locale: whole-TM runs only
        files.append(_multilingual(ctx))
    return files


TMX = register(Format("tmx", "TMX 1.4b translation memory per target locale (tmx/en-US_fr-FR.tmx; --split-mt, --multilingual)",
                      _files, per_locale=True))

#: ``_tus`` on the core in use (``pipeline.core``).
_core_tus = twin(_tus, "pipeline.export.ctmx")
