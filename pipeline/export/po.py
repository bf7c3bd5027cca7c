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

Collisions.  Whether a key (segment id + msgid) occurs more than once is only known once
the whole catalogue has been read, yet the first occurrence already needs its ``path#id``:
:func:`entry_key` is the key of an entry, and the output layer finds the keys that repeat
in a first pass (in bounded memory) and hands each article the ones it holds.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from .. import __version__
from ..chars import REPLACEMENT, XML_ILLEGAL
from ..core import twin
from ..model import needs_review
from ..output import Output, Rendered, signature_text, timestamp
from ..rows import OccurrenceRow
from .names import file_stem, language_tag, unique_id
from .registry import Document, DocumentContext, Format, Part, register
from .xml import Cleaner

__all__ = ["PO", "SPECIAL", "entry_key", "gettext_language", "po_comment", "po_string"]

_SCRIPT_MODIFIERS = {"Latn": "latin", "Cyrl": "cyrillic"}

#: What gettext escapes when it writes a string (``write-po.c``); everything else is written as is.
_NEEDS_ESCAPE = re.compile('[\\\\"\n\t\r\a\b\f\v]')
_LINE_BREAK = re.compile("\r\n?|\n")
#: A character :class:`~.xml.Cleaner` replaces (``XML_ILLEGAL``) or :func:`po_string` escapes: a text
#: with none (and no outer whitespace) is written as it is.  The tests check it is that union.
SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\\\\\"\n\t\r]")
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


def _header(ctx: DocumentContext, src: str, tgt: str) -> str:
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


def _message(keyword: str, raw: str, clean: Callable[[str], str]) -> tuple[str, str, str, str]:
    """``(leading whitespace, message, trailing whitespace, PO line(s))`` of one raw text."""
    if SPECIAL.search(raw) is None and not raw[:1].isspace() and not raw[-1:].isspace():
        return "", raw, "", f'{keyword} "{raw}"\n'  # most segments: nothing to clean, trim or escape
    lead, core, trail = _split(clean(raw))
    return lead, core, trail, po_string(keyword, core)


def _cleaned(text: str) -> str:
    return XML_ILLEGAL.sub(REPLACEMENT, text)


def entry_context(seg_id: str) -> str:
    """An occurrence's plain context (its segment id, cleaned)."""
    return seg_id if SPECIAL.search(seg_id) is None else _cleaned(seg_id)


def entry_key(seg_id: str, source: str) -> int:
    """The digest of an occurrence's key: its context and msgid, as :func:`_entries` writes them."""
    return _digest(entry_context(seg_id), _message("msgid", source, _cleaned)[1])


def _entries(part: Part[OccurrenceRow]) -> Rendered:
    """An article's entries, one per occurrence.

    A key whose digest is in ``part.colliding`` gets ``path#id`` as its context.  This is the
    exporter's hot loop: what all entries of the article share is formatted once, and a text
    with nothing to clean, trim or escape costs one regular expression search."""
    rows = part.rows
    colliding = part.colliding
    clean = Cleaner()
    article = rows[0].article
    path = clean(article.path)
    mt = article.translation_type == "MT"
    comment = ("MT: machine translation, needs review" if mt
               else clean(article.translation_type or "") or "translation type not stated")
    shared_illegal = clean.count
    head = "\n" + po_comment("#.", comment)
    reference = f"#: {path}:"
    seen: set[str] = set()
    out = []
    fuzzy = 0
    for at, row in enumerate(rows):
        if at:
            clean.count += shared_illegal  # the path and comment are written (so replaced) again
        s_lead, msgid, s_trail, msgid_po = _message("msgid", row.source.raw, clean)
        t_lead, _, t_trail, msgstr_po = _message("msgstr", row.target.raw, clean)
        seg_id = row.id
        plain = SPECIAL.search(seg_id) is None
        if not plain:
            seg_id = clean(seg_id)
        if colliding and _digest(seg_id, msgid) in colliding:
            context_po = po_string("msgctxt", unique_id(f"{path}#{seg_id}", seen))
        else:
            context_po = f'msgctxt "{seg_id}"\n' if plain else po_string("msgctxt", seg_id)
        notes = ""
        if s_lead or s_trail or t_lead or t_trail:  # JSON escapes every line break: one comment line
            notes = "#. tmpipe-whitespace: " + _JSON.encode(
                {"source": [s_lead, s_trail], "target": [t_lead, t_trail]}) + "\n"
        review = row.origin == "aligned" and needs_review(row.origin, row.score)
        if row.origin == "aligned":
            notes += f"#. aligned (score {row.score:.3f})\n" if row.score is not None else "#. aligned\n"
        flags = _FUZZY if mt or review else ""
        fuzzy += bool(flags)
        out.append(f"{head}{notes}{reference}{row.line}\n{flags}{context_po}{msgid_po}{msgstr_po}")
    return Rendered("".join(out), {"units": len(rows), "fuzzy": fuzzy, "illegal_chars": clean.count})


def _render(part: Part[OccurrenceRow]) -> Rendered:
    return _core_entries(part)


def _files(ctx: DocumentContext) -> list[Document[OccurrenceRow]]:
    documents = []
    for source_locale, target_locale in ctx.pairs:
        src, tgt = language_tag(source_locale), language_tag(target_locale)
        shared = sum(1 for _, t in ctx.all_pairs if t == target_locale) > 1
        rel = f"po/{file_stem(src)}_{file_stem(tgt)}.po" if shared else f"po/{file_stem(tgt)}.po"

        def output(counts: dict[str, int], rel: str = rel, src: str = src, tgt: str = tgt) -> Output:
            return Output(rel, "po", counts.get("units", 0), src, tgt,
                          {"fuzzy": counts.get("fuzzy", 0), "illegal_chars": counts.get("illegal_chars", 0)})

        documents.append(Document(rel, "articles", _header(ctx, src, tgt), "", _render, output,
                                  ((target_locale, source_locale),), keyed=_core_entry_key,
                                  id_part=entry_context))
    return documents


PO = register(Format("po", "gettext PO catalogue per target locale, MT entries fuzzy (po/fr-FR.po)",
                     _files, per_locale=True))

#: ``_entries`` and ``entry_key`` on the core in use (``pipeline.core``).
_core_entries = twin(_entries, "pipeline.export.cpo")
_core_entry_key = twin(entry_key, "pipeline.export.cpo")
