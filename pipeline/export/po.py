"""Gettext PO (written with polib): one catalogue per target locale, for Weblate, Pootle and gettext tools.

Files: ``po/<tgt>.po`` (``po/fr-FR.po``); ``msgfmt -c`` accepts them.

Principles:

1. Per occurrence: ``msgctxt`` is the segment id, ``#:`` the ``path:line`` it comes
   from.  When several occurrences would get the same context + msgid (the same id
   in two articles, or twice in one), each of them gets ``path#id`` instead (then
   ``path#id.2``… within one article), so entries never collide.  Those keys are
   found by a first pass that sorts digests on disk (:func:`external_sort`), so
   memory stays flat however large the catalogue.
2. ``#.`` comments say ``HT`` or ``MT``; machine translation is also flagged
   ``fuzzy``, the gettext way of saying "needs review" (``msgfmt`` leaves it out of
   ``.mo`` files unless ``--use-fuzzy``).
3. PO is plain text, so messages carry the **raw Markdown/HTML** of the segment
   (markup and entities exactly as in the article): merging a translation back
   into the article is a plain string replacement.  Outer whitespace is taken off
   both msgid and msgstr (``msgfmt -c`` rejects a pair where only one side starts
   or ends with a newline) and recorded in a ``#. tmpipe-whitespace: {json}`` comment.
4. Characters XML 1.0 forbids become U+FFFD here too (gettext tools treat NUL and
   other C0 controls badly); counted in ``illegal_chars``.
5. The header carries ``Language`` (gettext form, ``fr_FR``, ``sr_RS@latin``),
   ``Content-Type: text/plain; charset=UTF-8``, ``X-Generator`` and the signature
   (``X-Tmpipe-Signature``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from itertools import groupby

import polib

from .. import __version__
from ..atomic import atomic_open
from ..store import SegmentRow
from .common import Cleaner, external_sort, file_stem, language_tag, signature_text, timestamp, unique_id
from .registry import ExportContext, Output, exporter

__all__ = ["gettext_language", "write_po"]

_WRAP = 78
_SCRIPT_MODIFIERS = {"Latn": "latin", "Cyrl": "cyrillic"}


def gettext_language(tag: str) -> str:
    """BCP 47 → gettext locale name: ``fr-FR`` → ``fr_FR``, ``sr-Latn-RS`` → ``sr_RS@latin``,
    ``zh-Hans-CN`` → ``zh_CN``."""
    parts = tag.split("-")
    language, region, modifier = parts[0], "", ""
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            modifier = _SCRIPT_MODIFIERS.get(part, "")
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):
            region = part
    return language + (f"_{region}" if region else "") + (f"@{modifier}" if modifier else "")


def _split(raw: str) -> tuple[str, str, str]:
    core = raw.strip()
    if not core:
        return raw, "", ""
    start = raw.index(core)
    return raw[:start], core, raw[start + len(core):]


def _header(ctx: ExportContext, src: str, tgt: str) -> polib.POFile:
    stamp = timestamp().strftime("%Y-%m-%d %H:%M+0000")
    po = polib.POFile(wrapwidth=_WRAP)
    po.header = (f"Translation memory of {src} → {tgt}, exported by tmpipe {__version__}.\n"
                 "Messages are raw Markdown segments; MT entries are fuzzy.")
    po.metadata = {
        "Project-Id-Version": "tmpipe export",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": stamp,
        "PO-Revision-Date": stamp,
        "Last-Translator": "",
        "Language-Team": "",
        "Language": gettext_language(tgt),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"tmpipe {__version__}",
        "X-Source-Language": src,
        "X-Target-Language": tgt,
        "X-Tmpipe-Signature": signature_text(ctx.signature),
    }
    return po


def _digest(context: str, msgid: str) -> bytes:
    return hashlib.blake2b(f"{context}\0{msgid}".encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _key(row: SegmentRow, clean: Cleaner) -> bytes:
    return _digest(clean(row.id), _split(clean(row.source_raw))[1])


def _colliding(rows: Iterator[SegmentRow]) -> set[bytes]:
    """Keys (segment id + msgid) that more than one occurrence has: usually none."""
    clean = Cleaner()
    keys = external_sort((_key(row, clean) for row in rows), key=lambda key: key)
    return {key for key, same in groupby(keys) if sum(1 for _ in same) > 1}


def _entry(row: SegmentRow, clean: Cleaner, colliding: set[bytes], seen: set[str]) -> polib.POEntry:
    s_lead, msgid, s_trail = _split(clean(row.source_raw))
    t_lead, msgstr, t_trail = _split(clean(row.target_raw))
    seg_id, path = clean(row.id), clean(row.file)
    context = seg_id
    if _digest(seg_id, msgid) in colliding:
        context = unique_id(f"{path}#{seg_id}", seen)
    mt = row.translation_type == "MT"
    comments = ["MT: machine translation, needs review" if mt
                else row.translation_type or "translation type not stated"]
    if s_lead or s_trail or t_lead or t_trail:
        comments.append("tmpipe-whitespace: " + json.dumps(
            {"source": [s_lead, s_trail], "target": [t_lead, t_trail]}, ensure_ascii=False))
    return polib.POEntry(msgctxt=context, msgid=msgid, msgstr=msgstr, comment="\n".join(comments),
                         occurrences=[(path, str(row.line))], flags=["fuzzy"] if mt else [])


@exporter("po")
def write_po(ctx: ExportContext) -> Iterator[Output]:
    """``po/<tgt>.po`` per target locale: every occurrence, msgctxt = segment id."""
    pairs = ctx.locale_pairs()
    for source_locale, target_locale in pairs:
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        shared = sum(1 for _, t in pairs if t == target_locale) > 1
        rel = f"po/{file_stem(src)}_{file_stem(tgt)}.po" if shared else f"po/{file_stem(tgt)}.po"
        clean = Cleaner()
        colliding = _colliding(row for row in ctx.store.segments(target_locale)
                               if row.source_locale == source_locale)
        count = fuzzy = 0
        with atomic_open(ctx.out / rel) as handle:
            handle.write(str(_header(ctx, src, tgt)))
            rows = (row for row in ctx.store.segments(target_locale) if row.source_locale == source_locale)
            for _, article in groupby(rows, key=lambda row: row.file):
                seen: set[str] = set()
                for row in article:
                    entry = _entry(row, clean, colliding, seen)
                    handle.write("\n" + entry.__unicode__(_WRAP))
                    count += 1
                    fuzzy += entry.fuzzy
        yield Output(rel, "po", count, src, tgt, {"fuzzy": fuzzy, "illegal_chars": clean.count})
