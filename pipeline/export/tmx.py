"""TMX 1.4b: one translation memory per locale pair, for CAT tools (OmegaT, Trados, memoQ, Phrase).

Files: ``tmx/<src>_<tgt>.tmx`` (``tmx/en-US_fr-FR.tmx``); with ``--split-mt`` the
units that are machine translation in every occurrence go to ``tmx/mt/<src>_<tgt>.tmx``
instead (OmegaT users put that one in ``tm/mt/`` so it is never applied as a
100% match); with ``--multilingual`` also ``tmx/multilingual.tmx``.

Principles:

1. One ``tu`` per deduplicated unit, ``tuid`` a digest of locales + source +
   target (stable across rebuilds, unlike row ids), ``usagecount`` = repetitions.
2. Provenance as ``prop type="x-…"``: ``x-file``, ``x-id``, ``x-line``,
   ``x-translation-type``, ``x-source-commit``, ``x-locfileid``, ``x-lasthandoff``,
   ``x-repetitions``, ``x-mt-repetitions``.  Never the plain ``file`` type: OmegaT
   treats a ``tu`` with ``prop type="file"`` as a context-bound alternative and
   does not apply it.
3. Inline codes: paired markup as ``bpt``/``ept`` (``i`` = the pair within the
   segment, ``x`` = the id shared with the corresponding code of the other
   language, ``type`` from :data:`PAIRED_TYPES`), standalone markup as ``ph``
   (:data:`PLACEHOLDER_TYPES`); the original markup is the element's text.
4. No ``seg`` starts or ends with whitespace: it is moved to the ``tuv``'s
   ``x-leading-whitespace``/``x-trailing-whitespace`` props (a JSON string), so
   ``leading + seg markup + trailing`` is the raw text again.  Nor does the text a
   CAT tool sees once it drops inline codes (OmegaT's default): whitespace between
   codes at the start or end of a segment and its text is written inside the
   nearest such code (:func:`tuck_edge_whitespace`), so ```X` requires`` is
   ``<ph>`X` </ph>requires``, which OmegaT matches as ``requires``.
5. XML-illegal characters become U+FFFD, counted in ``illegal_chars``.
6. The header carries the reproducibility signature (``x-tmpipe-signature``).
   No DOCTYPE is written (validators are given the DTD explicitly; readers that
   would try to fetch it cannot fail).
"""

from __future__ import annotations

import functools
import json
import operator
import re
from collections.abc import Callable, Iterator
from hashlib import blake2b
from itertools import groupby
from typing import Any

from .. import __version__, progress
from ..extract.inline import parse_segment
from ..model import Code, Run, Text
from ..store import UnitRow
from . import common
from .common import (XML_DECLARATION, Cleaner, ExternalSorter, escape_attr, escape_text, file_stem,
                     has_markup, language_tag, link_codes, signature_text, stable_id, timestamp,
                     translation_label, trim_runs)
from .registry import ExportContext, Output, exporter
from .splice import Splicer, layout

__all__ = ["PAIRED_TYPES", "PLACEHOLDER_TYPES", "tuck_edge_whitespace", "write_tmx"]

#: Our paired code types → TMX ``bpt@type`` (TMX's own values; others become ``x-<type>``).
PAIRED_TYPES = {"bold": "bold", "italic": "italic", "ulined": "ulined", "link": "link"}
#: Our standalone code types → TMX ``ph@type``.
PLACEHOLDER_TYPES = {"image": "image", "lb": "lb"}

_MERGED_PARAGRAPH = re.compile(r"-p\d+$")
_source_key = operator.itemgetter(0, 1)  # of a _Candidate: source locale and raw text
_target_locale_key = operator.itemgetter(2)  # of a _Candidate

#: One side of a unit as written: ``(leading whitespace, seg content as XML, trailing whitespace)``.
_Seg = tuple[str, str, str]


@functools.lru_cache(maxsize=256)
def _code_type(kind: str, type_: str) -> str:
    """``type`` of a ``bpt``/``ph``, escaped."""
    table = PAIRED_TYPES if kind != "standalone" else PLACEHOLDER_TYPES
    return escape_attr(table.get(type_) or f"x-{type_}")


def _prop(type_: str, value: str, indent: str) -> str:
    """A ``prop`` element; ``value`` already cleaned."""
    return f'\n{indent}<prop type="{type_}">{escape_text(value)}</prop>'


@functools.lru_cache(maxsize=1024)
def _whitespace_props(lead: str, trail: str) -> str:
    """A ``tuv``'s ``x-leading-whitespace``/``x-trailing-whitespace`` props (few distinct values)."""
    out = _prop("x-leading-whitespace", json.dumps(lead), "        ") if lead else ""
    return out + _prop("x-trailing-whitespace", json.dumps(trail), "        ") if trail else out


class _TmxWriter:
    """One TMX file being written: header on open, ``</body></tmx>`` on close; per pair files
    are written as one fragment per article (:meth:`fragment`), copied from the previous build's
    file when unchanged (:class:`~.splice.Splicer`)."""

    def __init__(self, ctx: ExportContext, rel: str, srclang: str, stamp: str,
                 header_props: dict[str, str], layout_key: str = "") -> None:
        self.rel = rel
        self.count = 0
        self.clean = Cleaner()
        self._parts: list[str] = []
        self._doc = Splicer(ctx.out, rel, layout_key)
        self._doc.__enter__()
        try:
            props = {"x-tmpipe-signature": signature_text(ctx.signature),
                     "x-tmpipe-input": str(ctx.signature.get("input", "")), **header_props}
            self._doc.write("".join([
                XML_DECLARATION, '<tmx version="1.4">\n  <header creationtool="tmpipe" creationtoolversion="',
                escape_attr(__version__), '" segtype="sentence" o-tmf="tmpipe" adminlang="en-US" srclang="',
                escape_attr(srclang), '" datatype="x-markdown" creationdate="', escape_attr(stamp), '">',
                *[_prop(escape_attr(type_), self.clean(value), "    ") for type_, value in props.items()],
                "\n  </header>\n  <body>"]))
        except BaseException as exc:
            self.abort(exc)
            raise

    def add(self, head: str, tuvs: str) -> None:
        """Write one ``tu``: ``head`` is its start tag and props, ``tuvs`` its ``tuv`` elements."""
        self._parts.append(f"\n    {head}{tuvs}\n    </tu>")
        self.count += 1
        if len(self._parts) >= 256:  # written in chunks: fewer, larger writes
            self._doc.write("".join(self._parts))
            self._parts.clear()

    def fragment(self, name: str, key: str, render: Callable[[], tuple[str, list[int]]], reuse: bool) -> None:
        """The ``tu``s of article ``name``: copied when ``reuse`` and their ``key`` is the one
        recorded, else ``render()``-ed (their XML and ``[units, characters replaced]``)."""
        info = self._doc.reuse(name, key, {}) if reuse else None
        if info is None:
            text, info = render()
            self._doc.add(name, key, text, {}, info)
        self.count += info[0]
        self.clean.count += info[1]

    def close(self) -> None:
        self._parts.append("\n  </body>\n</tmx>")
        self._doc.write("".join(self._parts))
        self._parts.clear()
        self._doc.__exit__(None, None, None)  # closes the file, then renames it into place

    def abort(self, exc: BaseException) -> None:
        """Give up: close the file as it is and remove it."""
        self._doc.__exit__(type(exc), exc, exc.__traceback__)


def _tuv(lang: str, seg: _Seg, props: str = "") -> str:
    """A ``tuv``: ``lang`` escaped, ``props`` already XML."""
    lead, content, trail = seg
    if lead or trail:
        props += _whitespace_props(lead, trail)
    return f'\n      <tuv xml:lang="{lang}">{props}\n        <seg>{content}</seg>\n      </tuv>'


def _seg_xml(runs: tuple[Run, ...], ids: dict[int, int]) -> str:
    """The content of a ``seg``: text, and ``bpt``/``ept``/``ph`` holding the markup."""
    return "".join(escape_text(run.raw) if isinstance(run, Text) else _code_xml(run, run.raw, ids)
                   for run in runs)


def _code_xml(code: Code, raw: str, ids: dict[int, int]) -> str:
    """One inline code holding ``raw`` (its markup, maybe with whitespace tucked in): ``bpt``/``ept``/``ph``."""
    if code.kind == "begin":
        return (f'<bpt i="{code.pair}" x="{ids[code.pair]}" type="{_code_type(code.kind, code.type)}">'
                f'{escape_text(raw)}</bpt>')
    if code.kind == "end":
        return f'<ept i="{code.pair}">{escape_text(raw)}</ept>'
    return f'<ph x="{ids[code.pair]}" type="{_code_type(code.kind, code.type)}">{escape_text(raw)}</ph>'


def _marked_seg(runs: tuple[Run, ...], ids: dict[int, int]) -> _Seg:
    """A side with inline codes: outer whitespace taken off (:func:`trim_runs`), whitespace between
    edge codes and the text tucked into them (:func:`tuck_edge_whitespace`), in one pass over the
    runs' raw texts: the same as :func:`_marked_seg_general`."""
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
        code_at = -1
        for index in range(last + 1):  # an empty text counts as gone, as trim_runs drops it
            if type(runs[index]) is not Text:
                code_at = index
            elif raws[index]:
                if code_at < 0:
                    break
                raw = raws[index]
                kept = raw.lstrip()
                if len(kept) < len(raw):
                    raws[code_at] += raw[:len(raw) - len(kept)]
                    raws[index] = kept
                if kept:
                    break
    if type(runs[last]) is not Text or not raws[last]:  # codes last: tuck the whitespace before them
        code_at = -1
        for index in range(last, -1, -1):
            if type(runs[index]) is not Text:
                code_at = index
            elif raws[index]:
                if code_at < 0:
                    break
                raw = raws[index]
                kept = raw.rstrip()
                if len(kept) < len(raw):
                    raws[code_at] = raw[len(kept):] + raws[code_at]
                    raws[index] = kept
                if kept:
                    break
    out = [escape_text(raw) if isinstance(run, Text) else _code_xml(run, raw, ids)
           for run, raw in zip(runs, raws)]
    return lead, "".join(out), trail


def _marked_seg_general(runs: tuple[Run, ...], ids: dict[int, int]) -> _Seg:
    """:func:`_marked_seg` by the book: :func:`trim_runs`, :func:`tuck_edge_whitespace`, :func:`_seg_xml`."""
    lead, core, trail = trim_runs(runs)
    return lead, _seg_xml(tuck_edge_whitespace(core), ids), trail


@functools.lru_cache(maxsize=4096)
def _marked_source(text: str) -> tuple[_Seg, tuple[Run, ...]]:
    """A cleaned source side with markup, written, and its runs (for the target's code ids):
    its codes' ids are their own pair numbers whatever the target, and the same English
    source recurs in every locale."""
    runs = parse_segment(text).runs
    return _marked_seg(runs, link_codes(runs, ())[0]), runs


def _plain_seg(text: str) -> _Seg:
    """A side without markup (cleaned): what :func:`_marked_seg` gives for its one text run."""
    kept = text.lstrip()
    core = kept.rstrip()
    return text[:len(text) - len(kept)], escape_text(core), kept[len(core):]


def _pair_segs_general(source_raw: str, target_raw: str, clean: Callable[[str], str]) -> tuple[_Seg, _Seg]:
    """Both sides of a unit, parsed and written by the book: what :func:`_pair_segs` gives, slowly."""
    source = parse_segment(clean(source_raw)).runs
    target = parse_segment(clean(target_raw)).runs
    src_ids, tgt_ids = link_codes(source, target)
    return _marked_seg_general(source, src_ids), _marked_seg_general(target, tgt_ids)


def _source_side(source: str) -> _Seg:
    """A cleaned source side; without markup (most) written without parsing it."""
    return _marked_source(source)[0] if has_markup(source) else _plain_seg(source)


def _target_side(source: str, target: str) -> _Seg:
    """A cleaned target side, its codes linked to those of the (cleaned) ``source``; without
    markup (most) written without parsing it."""
    if not has_markup(target):
        return _plain_seg(target)
    runs = parse_segment(target).runs
    source_runs = _marked_source(source)[1] if has_markup(source) else ()
    return _marked_seg(runs, link_codes(source_runs, runs)[1])


def _pair_segs(source_raw: str, target_raw: str, clean: Callable[[str], str]) -> tuple[_Seg, _Seg]:
    """Both sides of a unit, the fast way: what :func:`_pair_segs_general` gives."""
    source = clean(source_raw)
    return _source_side(source), _target_side(source, clean(target_raw))


def tuck_edge_whitespace(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """Move whitespace that separates leading/trailing codes from the text into those codes.

    ``[ph, Text(" requires")]`` becomes ``[ph + " ", Text("requires")]`` and
    ``[Text("value: "), ph]`` becomes ``[Text("value:"), " " + ph]``; the raw text
    (all runs joined) is unchanged.
    """
    out = list(runs)
    for forward in (True, False):
        order = range(len(out)) if forward else range(len(out) - 1, -1, -1)
        code_at = None
        for index in order:
            run = out[index]
            if isinstance(run, Code):
                code_at = index
                continue
            if code_at is None:
                break
            kept = run.raw.lstrip() if forward else run.raw.rstrip()
            moved = run.raw[:len(run.raw) - len(kept)] if forward else run.raw[len(kept):]
            code = out[code_at]
            assert isinstance(code, Code)
            out[code_at] = Code(code.kind, code.type, code.raw + moved if forward else moved + code.raw, code.pair)
            out[index] = Text(kept)
            if kept:
                break
    return tuple(run for run in out if not (isinstance(run, Text) and not run.raw))


def _unit_head(tuid: str, usage: int, seg_id: str, props: str) -> str:
    """A ``tu`` start tag followed by its props (already XML)."""
    segtype = ' segtype="paragraph"' if _MERGED_PARAGRAPH.search(seg_id) else ""
    return f'<tu tuid="{tuid}" usagecount="{usage}"{segtype}>{props}'


def _unit_props_general(unit: UnitRow, clean: Cleaner) -> str:
    """A unit's provenance props, by the book: what :class:`_UnitProps` writes."""
    label = translation_label(unit.translation_type, unit.repetitions, unit.mt_repetitions)
    props = [("x-file", unit.file), ("x-id", unit.seg_id), ("x-line", str(unit.line)),
             ("x-translation-type", label), ("x-source-commit", unit.source_commit),
             ("x-locfileid", unit.locfileid), ("x-lasthandoff", unit.lasthandoff),
             ("x-repetitions", str(unit.repetitions)),
             ("x-mt-repetitions", str(unit.mt_repetitions) if unit.mt_repetitions else None)]
    return "".join([_prop(type_, clean(value), "      ") for type_, value in props if value])


class _UnitProps:
    """Writes a unit's provenance props; those of its article (file, commit, ids, hand-off date)
    once for each run of units from the same article (units come in article order)."""

    def __init__(self) -> None:
        self._article: tuple[Any, ...] | None = None
        self._file = self._meta = ""
        self._illegal = 0

    def __call__(self, unit: UnitRow, clean: Cleaner) -> str:
        article = (unit.file, unit.source_commit, unit.locfileid, unit.lasthandoff)
        if article != self._article:
            counted = Cleaner()
            self._file = _prop("x-file", counted(unit.file), "      ") if unit.file else ""
            self._meta = "".join([_prop(type_, counted(value), "      ") for type_, value in (
                ("x-source-commit", unit.source_commit), ("x-locfileid", unit.locfileid),
                ("x-lasthandoff", unit.lasthandoff)) if value])
            self._article, self._illegal = article, counted.count
        clean.count += self._illegal  # as if the article's props were cleaned again
        label = translation_label(unit.translation_type, unit.repetitions, unit.mt_repetitions)
        seg_id = f'\n      <prop type="x-id">{escape_text(clean(unit.seg_id))}</prop>' if unit.seg_id else ""
        label = f'\n      <prop type="x-translation-type">{escape_text(clean(label))}</prop>' if label else ""
        mt = (f'\n      <prop type="x-mt-repetitions">{unit.mt_repetitions}</prop>' if unit.mt_repetitions
              else "")
        return (f'{self._file}{seg_id}\n      <prop type="x-line">{unit.line}</prop>{label}{self._meta}'
                f'\n      <prop type="x-repetitions">{unit.repetitions}</prop>{mt}')


def _output(writer: _TmxWriter, source: str | None, target: str | None, **extra: Any) -> Output:
    return Output(writer.rel, "tmx", writer.count, source, target,
                  {**extra, "illegal_chars": writer.clean.count})


def _tus(rows: list[tuple[Any, ...]], src_tuv: str, tgt_tuv: str,
         candidates: _Candidates | None) -> tuple[str, list[int]]:
    """The ``tu`` of each unit (rows of :class:`UnitRow` fields); ``(xml, [units, characters replaced])``."""
    clean = Cleaner()
    unit_props = _UnitProps()
    parts = []
    for row in rows:
        unit = UnitRow(*row)
        tuid = blake2b(f"{unit.source_locale}\0{unit.target_locale}\0{unit.source_raw}\0{unit.target_raw}\0"
                       .encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()  # stable_id, inlined
        source = clean(unit.source_raw)
        illegal = clean.count
        target = clean(unit.target_raw)
        illegal = clean.count - illegal  # in the target
        target_seg = _target_side(source, target)
        parts.append(f"\n    {_unit_head(tuid, unit.repetitions, unit.seg_id, unit_props(unit, clean))}"
                     f"{_tuv(src_tuv, _source_side(source))}{_tuv(tgt_tuv, target_seg)}\n    </tu>")
        if candidates is not None:
            candidates.add(unit, tgt_tuv, target_seg, illegal)
    return "".join(parts), [len(rows), clean.count]


_PATH = operator.itemgetter(0)  # Store.first_unit_keys: the article of the unit's first occurrence


def _is_mt(row: tuple[Any, ...]) -> bool:
    return bool(row[8] == row[7])  # UnitRow.is_mt: every occurrence is machine translation


class _ArticleUnits:
    """The rows of the units an article shows first, read once and only when a fragment is rendered."""

    def __init__(self, store: Any, source_locale: str, target_locale: str, path: str, split_mt: bool) -> None:
        self._read = functools.partial(store.first_units, source_locale, target_locale, path)
        self._rows: list[tuple[Any, ...]] | None = None
        self._split_mt = split_mt

    def tus(self, mt: bool, src_tuv: str, tgt_tuv: str, candidates: _Candidates | None) -> tuple[str, list[int]]:
        """:func:`_tus` of the units (with ``--split-mt``, those that are machine translation or not)."""
        if self._rows is None:
            self._rows = self._read()
        rows = self._rows if not self._split_mt else [row for row in self._rows if _is_mt(row) == mt]
        return _tus(rows, src_tuv, tgt_tuv, candidates)


def _write_pair(ctx: ExportContext, source_locale: str, target_locale: str, stamp: str,
                candidates: _Candidates | None) -> Iterator[Output]:
    """The pair's TMX (and its MT-only one with ``--split-mt``): the units first seen in each
    article are one fragment, keyed by a digest of what their rows are made of (the article's
    content hash, the units' keys and counts), read without their texts; only the fragments
    rendered read their rows."""
    src, tgt = language_tag(source_locale), language_tag(target_locale)
    src_tuv, tgt_tuv = escape_attr(src), escape_attr(tgt)
    name = f"{file_stem(src)}_{file_stem(tgt)}.tmx"
    split_mt = ctx.options.split_mt
    layout_key = layout("tmx", src, tgt, f"split_mt={split_mt}")
    reuse = candidates is None  # the multilingual TMX needs every unit rendered
    writers: dict[bool, _TmxWriter] = {}
    try:
        writers[False] = _TmxWriter(ctx, f"tmx/{name}", src, stamp, {"x-tmpipe-target-locale": tgt}, layout_key)
        store = ctx.store
        progress.expect(lambda: store.article_count(target_locale))  # the articles (some show no unit first)
        for path, group in groupby(store.first_unit_keys(source_locale, target_locale), key=_PATH):
            keys = list(group)
            # the article's content, and the units it shows first with their counts: every field
            # of their rows (texts from the unit key, provenance from the content) but the unit ids
            key = blake2b(repr([keys[0][1]] + [row[2:6] for row in keys]).encode(), digest_size=16).hexdigest()
            flags = {False} if not split_mt else {bool(row[4] == row[5]) for row in keys}
            part = _ArticleUnits(store, source_locale, target_locale, path, split_mt)
            for mt in sorted(flags):
                if mt not in writers:
                    writers[True] = _TmxWriter(ctx, f"tmx/mt/{name}", src, stamp, {
                        "x-tmpipe-target-locale": tgt, "x-tmpipe-content": "machine translation only"}, layout_key)
                writers[mt].fragment(path, key, functools.partial(part.tus, mt, src_tuv, tgt_tuv, candidates), reuse)
            progress.advance()
    except BaseException as exc:
        for writer in writers.values():
            writer.abort(exc)
        raise
    pending = [writer for _, writer in sorted(writers.items())]
    try:
        while pending:
            pending[0].close()
            pending.pop(0)
    except BaseException as exc:
        for writer in pending[1:]:
            writer.abort(exc)
        raise
    for mt, writer in sorted(writers.items()):
        yield _output(writer, src, tgt, mt=mt)


#: A unit as the multilingual writer sorts it, its ``tuv`` written: ``(source locale, source raw,
#: target locale, is MT, -repetitions, order, tuv, characters cleaning replaced in the tuv)``.
#: A plain tuple: ``order`` is unique, so tuples compare by the first six fields natively
#: (no key function to sort or merge with), and they pickle compactly.
_Candidate = tuple[str, str, str, bool, int, int, str, int]


class _Candidates:
    """The units the multilingual TMX chooses from, gathered while the per-pair files are written
    (one pass over the TM, each target written once) and sorted on disk past
    :data:`~.common.SORT_CHUNK` of them."""

    def __init__(self, split_mt: bool) -> None:
        self.split_mt = split_mt
        self.order = 0
        self.clean = Cleaner()
        # Half the usual run: a candidate holds its written tuv, about twice its raw text.
        self.sorter: ExternalSorter[_Candidate] = ExternalSorter(chunk=max(1, common.SORT_CHUNK // 2))

    def add(self, unit: UnitRow, lang: str, target: _Seg, target_illegal: int) -> None:
        """``lang``: the target's ``xml:lang`` as written; ``target``: its side, cleaning having
        replaced ``target_illegal`` characters."""
        if self.split_mt and unit.is_mt:
            return
        self.order += 1
        clean = self.clean
        illegal = clean.count - target_illegal
        props = (f'\n        <prop type="x-file">{escape_text(clean(unit.file))}</prop>'
                 f'\n        <prop type="x-id">{escape_text(clean(unit.seg_id))}</prop>'
                 f'\n        <prop type="x-repetitions">{unit.repetitions}</prop>')
        label = translation_label(unit.translation_type, unit.repetitions, unit.mt_repetitions)
        if label:
            props += f'\n        <prop type="x-translation-type">{escape_text(clean(label))}</prop>'
        self.sorter.add((unit.source_locale, unit.source_raw, unit.target_locale, unit.is_mt, -unit.repetitions,
                         self.order, _tuv(lang, target, props), clean.count - illegal))


def _write_multilingual(ctx: ExportContext, stamp: str, candidates: _Candidates) -> Output:
    """One ``tu`` per distinct source, one ``tuv`` per language: per target language the
    human translation with the most repetitions wins (MT only when there is nothing else;
    with ``--split-mt`` MT-only units are left out)."""
    pairs = ctx.locale_pairs()
    sources = sorted({language_tag(s) for s, _ in pairs})
    srclang = sources[0] if len(sources) == 1 else "*all*"
    writer = _TmxWriter(ctx, "tmx/multilingual.tmx", srclang, stamp, {
        "x-tmpipe-locales": " ".join(sorted({language_tag(t) for _, t in pairs}))})
    clean = writer.clean
    langs: dict[str, str] = {}  # locale as stored → xml:lang as written
    try:
        for (source_locale, source_raw), group in groupby(candidates.sorter.sorted(), key=_source_key):
            lang = langs.get(source_locale) or langs.setdefault(source_locale,
                                                                escape_attr(language_tag(source_locale)))
            tuvs = [_tuv(lang, _source_side(clean(source_raw)))]
            usage = 0
            for _, per_locale in groupby(group, key=_target_locale_key):
                _, _, _, _, minus_repetitions, _, tuv, illegal = next(per_locale)
                for _ in per_locale:
                    pass
                tuvs.append(tuv)
                clean.count += illegal
                usage -= minus_repetitions
            writer.add(_unit_head(stable_id(source_locale, source_raw), usage, "", ""), "".join(tuvs))
    except BaseException as exc:
        writer.abort(exc)
        raise
    writer.close()
    return _output(writer, srclang if srclang != "*all*" else None, None, multilingual=True)


@exporter("tmx", per_locale=True, description="TMX 1.4b translation memory per target locale (tmx/en-US_fr-FR.tmx; --split-mt, --multilingual)")
def write_tmx(ctx: ExportContext) -> Iterator[Output]:
    """``tmx/<src>_<tgt>.tmx`` per locale pair (+ ``tmx/mt/…``, ``tmx/multilingual.tmx``)."""
    stamp = timestamp().strftime("%Y%m%dT%H%M%SZ")
    multilingual = ctx.options.multilingual and ctx.locales is None  # across every locale: whole-TM runs only
    candidates = _Candidates(ctx.options.split_mt) if multilingual else None
    try:
        for source_locale, target_locale in ctx.locale_pairs():
            yield from _write_pair(ctx, source_locale, target_locale, stamp, candidates)
        if candidates is not None:
            yield _write_multilingual(ctx, stamp, candidates)
    finally:
        if candidates is not None:
            candidates.sorter.close()
