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

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from itertools import groupby
from typing import Any, NamedTuple

from lxml import etree

from .. import __version__
from ..atomic import atomic_path
from ..model import Code, Run, Text
from ..store import UnitRow
from .common import (Cleaner, external_sort, file_stem, language_tag, link_codes, parse_clean,
                     signature_text, stable_id, timestamp, translation_label, trim_runs)
from .registry import ExportContext, Output, exporter

__all__ = ["PAIRED_TYPES", "PLACEHOLDER_TYPES", "tuck_edge_whitespace", "write_tmx"]

#: Our paired code types → TMX ``bpt@type`` (TMX's own values; others become ``x-<type>``).
PAIRED_TYPES = {"bold": "bold", "italic": "italic", "ulined": "ulined", "link": "link"}
#: Our standalone code types → TMX ``ph@type``.
PLACEHOLDER_TYPES = {"image": "image", "lb": "lb"}

_MERGED_PARAGRAPH = re.compile(r"-p\d+$")
_NL = "\n"


class _Side(NamedTuple):
    """One language of a unit, ready to write."""

    lang: str
    runs: tuple[Run, ...]
    ids: dict[int, int]
    lead: str
    trail: str
    props: tuple[tuple[str, str], ...] = ()


def _code_type(code: Code) -> str:
    table = PAIRED_TYPES if code.kind != "standalone" else PLACEHOLDER_TYPES
    return table.get(code.type) or f"x-{code.type}"


class _TmxWriter:
    """One TMX file being streamed: header written on open, ``</body></tmx>`` on close."""

    def __init__(self, ctx: ExportContext, rel: str, srclang: str, stamp: str,
                 header_props: dict[str, str]) -> None:
        self.rel = rel
        self.count = 0
        self.clean = Cleaner()
        self._stack = ExitStack()
        try:
            self._open(ctx, srclang, stamp, header_props)
        except BaseException as exc:
            self.abort(exc)
            raise

    def _open(self, ctx: ExportContext, srclang: str, stamp: str, header_props: dict[str, str]) -> None:
        tmp = self._stack.enter_context(atomic_path(ctx.out / self.rel))
        self.xf = self._stack.enter_context(etree.xmlfile(str(tmp), encoding="UTF-8"))
        self.xf.write_declaration()
        self._root = self.xf.element("tmx", version="1.4")
        self._root.__enter__()
        self.xf.write(_NL + "  ")
        with self.xf.element("header", {
            "creationtool": "tmpipe", "creationtoolversion": __version__, "segtype": "sentence",
            "o-tmf": "tmpipe", "adminlang": "en-US", "srclang": srclang, "datatype": "x-markdown",
            "creationdate": stamp,
        }):
            props = {"x-tmpipe-signature": signature_text(ctx.signature),
                     "x-tmpipe-input": str(ctx.signature.get("input", "")), **header_props}
            for type_, value in props.items():
                self._prop(type_, value, "    ")
            self.xf.write(_NL + "  ")
        self.xf.write(_NL + "  ")
        self._body = self.xf.element("body")
        self._body.__enter__()

    def _prop(self, type_: str, value: str, indent: str) -> None:
        self.xf.write(_NL + indent)
        with self.xf.element("prop", type=type_):
            self.xf.write(self.clean(value))

    def add(self, attrs: dict[str, str], props: list[tuple[str, str]], sides: list[_Side]) -> None:
        """Write one ``tu``."""
        xf = self.xf
        xf.write(_NL + "    ")
        with xf.element("tu", attrs):
            for type_, value in props:
                self._prop(type_, value, "      ")
            for side in sides:
                xf.write(_NL + "      ")
                with xf.element("tuv", {"xml:lang": side.lang}):
                    for type_, value in side.props:
                        self._prop(type_, value, "        ")
                    if side.lead:
                        self._prop("x-leading-whitespace", json.dumps(side.lead), "        ")
                    if side.trail:
                        self._prop("x-trailing-whitespace", json.dumps(side.trail), "        ")
                    xf.write(_NL + "        ")
                    _write_seg(xf, side.runs, side.ids)
                    xf.write(_NL + "      ")
            xf.write(_NL + "    ")
        self.count += 1

    def close(self) -> None:
        self.xf.write(_NL + "  ")
        self._body.__exit__(None, None, None)
        self.xf.write(_NL)
        self._root.__exit__(None, None, None)
        self._stack.close()  # closes the file, then renames it into place

    def abort(self, exc: BaseException) -> None:
        """Give up: close the stream as it is and remove the temporary file (elements stay open)."""
        self._stack.__exit__(type(exc), exc, exc.__traceback__)


def _write_seg(xf: Any, runs: tuple[Run, ...], ids: dict[int, int]) -> None:
    with xf.element("seg"):
        for run in runs:
            if isinstance(run, Text):
                xf.write(run.raw)
            elif run.kind == "begin":
                with xf.element("bpt", i=str(run.pair), x=str(ids[run.pair]), type=_code_type(run)):
                    xf.write(run.raw)
            elif run.kind == "end":
                with xf.element("ept", i=str(run.pair)):
                    xf.write(run.raw)
            else:
                with xf.element("ph", x=str(ids[run.pair]), type=_code_type(run)):
                    xf.write(run.raw)


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


def _trimmed(runs: tuple[Run, ...]) -> tuple[str, tuple[Run, ...], str]:
    lead, core, trail = trim_runs(runs)
    return lead, tuck_edge_whitespace(core), trail


def _sides(unit: UnitRow, clean: Cleaner) -> tuple[_Side, _Side]:
    source = parse_clean(unit.source_raw, clean)
    target = parse_clean(unit.target_raw, clean)
    src_ids, tgt_ids = link_codes(source.runs, target.runs)
    s_lead, s_runs, s_trail = _trimmed(source.runs)
    t_lead, t_runs, t_trail = _trimmed(target.runs)
    return (_Side(language_tag(unit.source_locale), s_runs, src_ids, s_lead, s_trail),
            _Side(language_tag(unit.target_locale), t_runs, tgt_ids, t_lead, t_trail))


def _unit_props(unit: UnitRow) -> list[tuple[str, str]]:
    label = translation_label(unit.translation_type, unit.repetitions, unit.mt_repetitions)
    props = [("x-file", unit.file), ("x-id", unit.seg_id), ("x-line", str(unit.line)),
             ("x-translation-type", label), ("x-source-commit", unit.source_commit),
             ("x-locfileid", unit.locfileid), ("x-lasthandoff", unit.lasthandoff),
             ("x-repetitions", str(unit.repetitions)),
             ("x-mt-repetitions", str(unit.mt_repetitions) if unit.mt_repetitions else None)]
    return [(type_, value) for type_, value in props if value]


def _tu_attrs(tuid: str, usage: int, seg_id: str) -> dict[str, str]:
    attrs = {"tuid": tuid, "usagecount": str(usage)}
    if _MERGED_PARAGRAPH.search(seg_id):
        attrs["segtype"] = "paragraph"
    return attrs


def _output(writer: _TmxWriter, source: str | None, target: str | None, **extra: Any) -> Output:
    return Output(writer.rel, "tmx", writer.count, source, target,
                  {**extra, "illegal_chars": writer.clean.count})


def _write_pair(ctx: ExportContext, source_locale: str, target_locale: str, stamp: str) -> Iterator[Output]:
    src, tgt = language_tag(source_locale), language_tag(target_locale)
    name = f"{file_stem(src)}_{file_stem(tgt)}.tmx"
    writers: dict[bool, _TmxWriter] = {}
    try:
        writers[False] = _TmxWriter(ctx, f"tmx/{name}", src, stamp, {"x-tmpipe-target-locale": tgt})
        for unit in ctx.store.units(source_locale, target_locale):
            mt = ctx.options.split_mt and unit.is_mt
            if mt and mt not in writers:
                writers[True] = _TmxWriter(ctx, f"tmx/mt/{name}", src, stamp, {
                    "x-tmpipe-target-locale": tgt, "x-tmpipe-content": "machine translation only"})
            writer = writers[mt]
            tuid = stable_id(unit.source_locale, unit.target_locale, unit.source_raw, unit.target_raw)
            writer.add(_tu_attrs(tuid, unit.repetitions, unit.seg_id), _unit_props(unit),
                       list(_sides(unit, writer.clean)))
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


class _Candidate(NamedTuple):
    """A unit as the multilingual writer sorts it (picklable, small)."""

    source_locale: str
    source_raw: str
    target_locale: str
    is_mt: bool
    minus_repetitions: int
    order: int
    target_raw: str
    label: str | None
    file: str
    seg_id: str


def _candidates(ctx: ExportContext) -> Iterator[_Candidate]:
    order = 0
    for source_locale, target_locale in ctx.locale_pairs():
        for unit in ctx.store.units(source_locale, target_locale):
            if ctx.options.split_mt and unit.is_mt:
                continue
            order += 1
            yield _Candidate(unit.source_locale, unit.source_raw, unit.target_locale, unit.is_mt,
                             -unit.repetitions, order, unit.target_raw,
                             translation_label(unit.translation_type, unit.repetitions, unit.mt_repetitions),
                             unit.file, unit.seg_id)


def _write_multilingual(ctx: ExportContext, stamp: str) -> Output:
    """One ``tu`` per distinct source, one ``tuv`` per language: per target language the
    human translation with the most repetitions wins (MT only when there is nothing else;
    with ``--split-mt`` MT-only units are left out)."""
    pairs = ctx.locale_pairs()
    sources = sorted({language_tag(s) for s, _ in pairs})
    srclang = sources[0] if len(sources) == 1 else "*all*"
    writer = _TmxWriter(ctx, "tmx/multilingual.tmx", srclang, stamp, {
        "x-tmpipe-locales": " ".join(sorted({language_tag(t) for _, t in pairs}))})
    try:
        ordered = external_sort(_candidates(ctx), key=lambda c: c[:6])
        for (source_locale, source_raw), group in groupby(ordered, key=lambda c: c[:2]):
            source = parse_clean(source_raw, writer.clean)
            lead, runs, trail = _trimmed(source.runs)
            src_ids = {code.pair: code.pair for code in source.codes}
            sides: list[_Side] = []
            usage = 0
            for _, per_locale in groupby(group, key=lambda c: c.target_locale):
                best = next(per_locale)
                for _ in per_locale:
                    pass
                target = parse_clean(best.target_raw, writer.clean)
                _, tgt_ids = link_codes(source.runs, target.runs)
                t_lead, t_runs, t_trail = _trimmed(target.runs)
                props = [("x-file", best.file), ("x-id", best.seg_id),
                         ("x-repetitions", str(-best.minus_repetitions))]
                if best.label:
                    props.append(("x-translation-type", best.label))
                sides.append(_Side(language_tag(best.target_locale), t_runs, tgt_ids, t_lead, t_trail,
                                   tuple(props)))
                usage -= best.minus_repetitions
            first = _Side(language_tag(source_locale), runs, src_ids, lead, trail)
            tuid = stable_id(source_locale, source_raw)
            writer.add(_tu_attrs(tuid, usage, ""), [], [first, *sides])
    except BaseException as exc:
        writer.abort(exc)
        raise
    writer.close()
    return _output(writer, srclang if srclang != "*all*" else None, None, multilingual=True)


@exporter("tmx")
def write_tmx(ctx: ExportContext) -> Iterator[Output]:
    """``tmx/<src>_<tgt>.tmx`` per locale pair (+ ``tmx/mt/…``, ``tmx/multilingual.tmx``)."""
    stamp = timestamp().strftime("%Y%m%dT%H%M%SZ")
    for source_locale, target_locale in ctx.locale_pairs():
        yield from _write_pair(ctx, source_locale, target_locale, stamp)
    if ctx.options.multilingual and ctx.locales is None:  # across every locale: only in a whole-TM run
        yield _write_multilingual(ctx, stamp)
