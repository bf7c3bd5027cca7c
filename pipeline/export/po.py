"""Gettext PO: one catalogue per target locale, for Weblate, Pootle and gettext tools.

Files: ``po/<tgt>.po`` (``po/fr-FR.po``); ``msgfmt -c`` accepts them.

Principles:

1. Per occurrence: ``msgctxt`` is the segment id, ``#:`` the ``path:line`` it comes
   from.  When several occurrences would get the same context + msgid (the same id
   in two articles, or twice in one), each of them gets ``path#id`` instead (then
   ``path#id.2``… within one article), so entries never collide (see *Collisions*
   below).
2. ``#.`` comments say ``HT`` or ``MT``; machine translation is also flagged
   ``fuzzy``, the gettext way of saying "needs review" (``msgfmt`` leaves it out of
   ``.mo`` files unless ``--use-fuzzy``).
3. PO is plain text, so messages carry the **raw Markdown/HTML** of the segment
   (markup and entities exactly as in the article): merging a translation back
   into the article is a plain string replacement.  Outer whitespace is taken off
   both msgid and msgstr (``msgfmt -c`` rejects a pair where only one side starts
   or ends with a newline) and recorded in a ``#. tmpipe-whitespace: {json}`` comment.
4. Characters XML 1.0 forbids become U+FFFD here too (gettext tools treat NUL and
   other C0 controls badly); counted in ``illegal_chars``.  The article's
   translation type, written in a comment, is cleaned the same way.
5. The header carries ``Language`` (gettext form, ``fr_FR``, ``sr_RS@latin``),
   ``Content-Type: text/plain; charset=UTF-8``, ``X-Generator`` and the signature
   (``X-Tmpipe-Signature``).

Writing.  The text is written directly (no PO library: formatting entries with
polib was two thirds of the export time), in the form GNU ``msgcat --no-wrap``
prints, so ``msgcat --no-wrap`` of a catalogue gives the same bytes back (but for
one thing: msgcat drops ``fuzzy`` from an untranslated entry, which an MT segment
with an empty target keeps here, as principle 2 says):

- strings are escaped as gettext writes them: ``\\\\``, ``\\"``, ``\\n``, ``\\t``,
  ``\\r`` (and ``\\a \\b \\f \\v``, which the cleaning above already removes);
  every other character, other controls included, is written as is, in UTF-8;
- a string with a newline before its end is written as ``""`` followed by one
  line per ``\\n`` (split after each ``\\n``), as msgcat does;
- comment text is split into one ``#.`` line per line (at ``\\n``, ``\\r\\n`` or
  ``\\r``: a raw CR in a comment would end the line for Python readers such as
  polib), an empty line written ``#.``.

**No wrapping** at 79 columns, deliberately (like ``msgcat --no-wrap``): a line
per message line is what diffs and reviews of a regenerated catalogue want (one
edited sentence is one changed line, not a re-flowed paragraph); gettext, polib,
translate-toolkit, Weblate and Pootle read it the same; and wrapping exactly the
way msgcat does would mean re-implementing libunistring's line breaking (UAX #14
with East Asian widths) — polib's ``textwrap`` never matched msgcat anyway, and
it also wrapped ``#.`` comments, which broke the whitespace JSON whenever a line
break fell inside a string of spaces.  ``msgcat -w 79`` wraps a file for anyone
who wants it.

Collisions.  Whether a key (segment id + msgid) occurs more than once is only
known once the whole catalogue has been read, yet the first occurrence already
needs its ``path#id``.  The catalogue is written assuming the keys that collided
in the previous build's file still do (none on a first build), while the 64-bit
digest of every key goes to :class:`_Repeats`, which holds at most
:data:`KEYS_IN_MEMORY` of them and spills sorted runs of fixed-width integers to a
temporary file.  Usually that guess is right and that is the file; if not, it is
written again knowing them, copying every article whose entries do not change.
The set of repeated digests is the one structure that grows with the data: one
entry per *repeated* key (none in most TMs).

Rebuilds.  Each article's entries are one fragment (:mod:`.splice`), recorded with
its key digests and keyed by the article's content hash and which of its keys
collide: a rebuild copies the entries of every unchanged article from the previous
file and renders only the articles that changed (and those whose keys started or
stopped colliding).
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
import re
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .. import __version__, progress
from ..store import SegmentRow
from .common import Cleaner, file_stem, language_tag, signature_text, timestamp, unique_id
from .registry import ExportContext, Output, exporter
from .splice import Splicer, layout

__all__ = ["gettext_language", "po_string", "po_comment", "write_po", "KEYS_IN_MEMORY"]

_SCRIPT_MODIFIERS = {"Latn": "latin", "Cyrl": "cyrillic"}
#: Key digests :class:`_Repeats` holds before spilling a sorted run (~40 bytes each).
KEYS_IN_MEMORY = 1 << 14
_SPILL_BLOCK = 1 << 10  # digests read back at a time per run while merging (8 KB)

#: What gettext escapes when it writes a string (``write-po.c``); everything else is written as is.
_NEEDS_ESCAPE = re.compile('[\\\\"\n\t\r\a\b\f\v]')
_LINE_BREAK = re.compile("\r\n?|\n")
#: A character :class:`Cleaner` replaces (``ILLEGAL_XML``) or :func:`_escape` escapes: a text
#: with none (and no outer whitespace) is written as it is.  The tests check it is that union.
_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\\\\\"\n\t\r]")
_FUZZY = "#, fuzzy\n"
_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(..., ensure_ascii=False) builds per call


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


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r").replace("\a", "\\a").replace("\b", "\\b").replace("\f", "\\f")
            .replace("\v", "\\v"))


def po_string(keyword: str, text: str) -> str:
    """``keyword "text"`` and its newline, as ``msgcat --no-wrap`` writes it: one line, or,
    when ``text`` has a newline before its end, ``""`` then one line per ``\\n``."""
    newline = text.find("\n")
    if newline < 0 or newline == len(text) - 1:
        return f'{keyword} "{_escape(text)}"\n'
    lines = text.split("\n")
    last = lines.pop()
    body = "".join(f'"{_escape(line)}\\n"\n' for line in lines)
    return f'{keyword} ""\n{body}' + (f'"{_escape(last)}"\n' if last else "")


def po_comment(marker: str, text: str) -> str:
    """``text`` as comment lines (``#.``, ``#``…), one per line, an empty one bare like gettext's."""
    return "".join(f"{marker} {line}\n" if line else f"{marker}\n" for line in _LINE_BREAK.split(text))


def _split(raw: str) -> tuple[str, str, str]:
    """``(leading whitespace, core, trailing whitespace)``; all-space text stays in the first part."""
    core = raw.strip()
    if not core:
        return raw, "", ""
    start = len(raw) - len(raw.lstrip())
    return raw[:start], core, raw[start + len(core):]


def _header(ctx: ExportContext, src: str, tgt: str) -> str:
    stamp = timestamp().strftime("%Y-%m-%d %H:%M+0000")
    comment = (f"Translation memory of {src} → {tgt}, exported by tmpipe {__version__}.\n"
               "Messages are raw Markdown segments; MT entries are fuzzy.")
    fields = {
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
    return (po_comment("#", comment) + po_string("msgid", "")
            + po_string("msgstr", "".join(f"{name}: {value}\n" for name, value in fields.items())))


def _digest(context: str, msgid: str) -> int:
    """64-bit digest of a (context, msgid) key: the same key always gets the same number."""
    data = f"{context}\0{msgid}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


class _Repeats:
    """Which digests were added more than once, in bounded memory.

    Holds up to ``limit`` (:data:`KEYS_IN_MEMORY`) digests in a list; when it is
    full they are sorted and appended to a temporary file as one run of unsigned
    64-bit integers.  At the end the runs are merged, each read back 8 KB at a
    time: memory is ``limit`` digests (~0.7 MB) plus 8 KB per run (one run per
    ``limit`` keys added): about 1.2 MB for a million occurrences.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit or KEYS_IN_MEMORY
        self.keys: list[int] = []
        self.runs: list[tuple[int, int]] = []  # (offset, count) in self.spill
        self.spill: IO[bytes] | None = None

    def add(self, key: int) -> None:
        self.keys.append(key)
        if len(self.keys) >= self.limit:
            self._flush()

    def _flush(self) -> None:
        if self.spill is None:
            self.spill = tempfile.TemporaryFile(prefix="tmpipe-po-")
        self.keys.sort()
        self.spill.seek(0, 2)
        self.runs.append((self.spill.tell(), len(self.keys)))
        array("Q", self.keys).tofile(self.spill)
        self.keys = []

    def _run(self, offset: int, count: int) -> Iterator[int]:
        assert self.spill is not None
        while count:
            block = array("Q")
            self.spill.seek(offset)
            block.fromfile(self.spill, min(count, _SPILL_BLOCK))
            offset += len(block) * block.itemsize
            count -= len(block)
            yield from block

    def repeated(self) -> set[int]:
        """The digests added more than once; frees the buffer and the spill file."""
        try:
            if self.spill is None:
                self.keys.sort()
                ordered: Iterable[int] = self.keys
            else:
                if self.keys:
                    self._flush()
                ordered = heapq.merge(*(self._run(offset, count) for offset, count in self.runs))
            found: set[int] = set()
            previous = None
            for key in ordered:
                if key == previous:
                    found.add(key)
                previous = key
            return found
        finally:
            self.keys = []
            if self.spill is not None:
                self.spill.close()
                self.spill = None


def _message(keyword: str, raw: str, clean: Cleaner) -> tuple[str, str, str, str]:
    """``(leading whitespace, message, trailing whitespace, PO line(s))`` of one raw text."""
    if _SPECIAL.search(raw) is None and not raw[:1].isspace() and not raw[-1:].isspace():
        return "", raw, "", f'{keyword} "{raw}"\n'  # most segments: nothing to clean, trim or escape
    lead, core, trail = _split(clean(raw))
    return lead, core, trail, po_string(keyword, core)


def _article(rows: list[SegmentRow], colliding: set[int]) -> tuple[str, list[Any]]:
    """An article's entries, one per occurrence; ``(text, [entries, fuzzy, characters replaced,
    its keys' digests])`` (the digests as base64 of unsigned 64-bit integers).

    A key whose digest is in ``colliding`` gets ``path#id`` as its context.  This is the
    exporter's hot loop: what all entries of the article share is formatted once, and a text
    with nothing to clean, trim or escape costs one regular expression search."""
    clean = Cleaner()
    first = rows[0]
    path = clean(first.file)
    mt = first.translation_type == "MT"
    comment = ("MT: machine translation, needs review" if mt
               else clean(first.translation_type or "") or "translation type not stated")
    shared_illegal = clean.count
    head = "\n" + po_comment("#.", comment)
    reference = f"#: {path}:"
    flags = _FUZZY if mt else ""
    seen: set[str] = set()
    keys = array("Q")
    parts = []
    for row in rows:
        if keys:
            clean.count += shared_illegal  # the path and comment are written (so replaced) again
        s_lead, msgid, s_trail, msgid_po = _message("msgid", row.source_raw, clean)
        t_lead, _, t_trail, msgstr_po = _message("msgstr", row.target_raw, clean)
        seg_id = row.id
        plain = _SPECIAL.search(seg_id) is None
        if not plain:
            seg_id = clean(seg_id)
        key = _digest(seg_id, msgid)
        keys.append(key)
        if key in colliding:
            context_po = po_string("msgctxt", unique_id(f"{path}#{seg_id}", seen))
        else:
            context_po = f'msgctxt "{seg_id}"\n' if plain else po_string("msgctxt", seg_id)
        whitespace = ""
        if s_lead or s_trail or t_lead or t_trail:  # JSON escapes every line break: one comment line
            whitespace = "#. tmpipe-whitespace: " + _JSON.encode(
                {"source": [s_lead, s_trail], "target": [t_lead, t_trail]}) + "\n"
        parts.append(f"{head}{whitespace}{reference}{row.line}\n{flags}{context_po}{msgid_po}{msgstr_po}")
    return "".join(parts), [len(rows), len(rows) if mt else 0, clean.count,
                            base64.b64encode(keys.tobytes()).decode("ascii")]


def _keys(info: list[Any]) -> array[int]:
    """The key digests an article's ``info`` records."""
    return array("Q", base64.b64decode(info[3]))


def _fragment_key(sha: str, keys: array[int], colliding: set[int]) -> str:
    """What an article's entries depend on: its content, and which of its keys collide."""
    own = sorted({key for key in keys if key in colliding}) if colliding else []
    return f"{sha}:{hashlib.blake2b(array('Q', own).tobytes(), digest_size=16).hexdigest() if own else ''}"


def _catalogue(ctx: ExportContext, rel: str, header: str, source_locale: str, target_locale: str,
               colliding: set[int] | None) -> tuple[list[int], set[int], set[int]]:
    """Write one catalogue; ``([entries, fuzzy, characters replaced], colliding used, colliding found)``.

    ``colliding`` None: assume the keys that collided in the previous build's file still do."""
    src, tgt = language_tag(source_locale), language_tag(target_locale)
    with Splicer(ctx.out, rel, layout("po", src, tgt)) as doc:
        if colliding is None:
            before = _Repeats()
            for name in doc.previous:
                for digest in _keys(doc.recorded(name)[1]):  # type: ignore[index]
                    before.add(digest)
            colliding = before.repeated()
        plan = []
        for path, sha in ctx.store.articles(target_locale, source_locale):
            recorded = doc.recorded(path)
            key = _fragment_key(sha, _keys(recorded[1]), colliding) if recorded else None
            plan.append((path, sha, key if key and doc.reusable(path, key) else None))
        rows = ctx.store.article_segments(target_locale, [path for path, _, key in plan if key is None])
        progress.expect(len(plan))
        doc.write(header)
        totals = [0, 0, 0]
        repeats = _Repeats()
        for path, sha, key in plan:
            info = doc.reuse(path, key, {}) if key else None
            if info is None:
                got, occurrences = next(rows)
                assert got == path, (got, path)
                text, info = _article(occurrences, colliding)
                doc.add(path, _fragment_key(sha, _keys(info), colliding), text, {}, info)
            for at in range(3):
                totals[at] += info[at]
            for digest in _keys(info):
                repeats.add(digest)
            progress.advance()
    return totals, colliding, repeats.repeated()


@exporter("po", per_locale=True, description="gettext PO catalogue per target locale, MT entries fuzzy (po/fr-FR.po)")
def write_po(ctx: ExportContext) -> Iterator[Output]:
    """``po/<tgt>.po`` per target locale: every occurrence, msgctxt = segment id (each article's
    entries copied from the previous build's file when they are unchanged)."""
    pairs = ctx.locale_pairs()
    for source_locale, target_locale in pairs:
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        shared = sum(1 for _, t in pairs if t == target_locale) > 1
        rel = f"po/{file_stem(src)}_{file_stem(tgt)}.po" if shared else f"po/{file_stem(tgt)}.po"
        header = _header(ctx, src, tgt)
        (count, fuzzy, illegal), used, found = _catalogue(ctx, rel, header, source_locale, target_locale, None)
        if found != used:  # the keys that collide changed: write again knowing them
            (count, fuzzy, illegal), _, _ = _catalogue(ctx, rel, header, source_locale, target_locale, found)
        yield Output(rel, "po", count, src, tgt, {"fuzzy": fuzzy, "illegal_chars": illegal})
