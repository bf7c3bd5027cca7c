"""What the translation exporters (TMX, XLIFF 1.2, XLIFF 2, PO) share; no format lives here.

Rules every one of them follows:

1. **Characters XML 1.0 forbids** (C0 controls other than tab, LF and CR; lone
   surrogates; U+FFFE and U+FFFF) are never written raw: :class:`Cleaner`
   replaces each with U+FFFD and counts it, and the count is reported as
   ``illegal_chars`` in the output's manifest entry.  XLIFF 2 is the exception:
   it writes them losslessly as ``<cp hex="…"/>``, the element the standard
   defines for this (:func:`illegal_spans` splits text for that).
2. **Outer whitespace** (``str.isspace`` characters, which include NBSP) is
   moved out of TMX segments and PO messages: :func:`trim_runs` takes it off the
   first and last text runs, and the exporter stores it beside the segment so
   the raw text can still be rebuilt.  XLIFF keeps it inside ``xml:space="preserve"``.
3. **Inline codes** keep their original markup as their content; a target code
   gets the id of the source code it corresponds to (:func:`link_codes`), so
   tools can match codes across languages.
4. Text is written exactly as in the article: entities stay as written
   (``&amp;gt;`` in XML holds the article's ``&gt;``).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from itertools import islice
from typing import IO, Any, Generic, TypeVar

from ..locales import normalize_tag
from ..model import Code, Run, Text

__all__ = [
    "Cleaner",
    "ILLEGAL_XML",
    "illegal_spans",
    "link_codes",
    "well_nested",
    "trim_runs",
    "file_stem",
    "language_tag",
    "stable_id",
    "timestamp",
    "signature_text",
    "translation_label",
    "external_sort",
    "ExternalSorter",
    "SORT_CHUNK",
    "unique_id",
    "XML_DECLARATION",
    "escape_attr",
    "escape_text",
    "has_markup",
    "open_xml",
]

#: One character that XML 1.0 does not allow anywhere in a document.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
#: Items :func:`external_sort` holds in memory before spilling a sorted run to disk.
SORT_CHUNK = 20_000
_FILE_SAFE = re.compile(r"[^A-Za-z0-9-]+")

T = TypeVar("T")


class Cleaner:
    """Replaces XML-illegal characters with U+FFFD and counts them (one per output file)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0
        """Characters replaced so far."""

    def __call__(self, text: str) -> str:
        if text.isprintable() or not ILLEGAL_XML.search(text):  # printable: no control, surrogate, U+FFFE/F
            return text
        cleaned, replaced = ILLEGAL_XML.subn(REPLACEMENT, text)
        self.count += replaced
        return cleaned

    def runs(self, runs: Iterable[Run]) -> tuple[Run, ...]:
        """The runs with every text and code cleaned."""
        return tuple(Text(self(r.raw)) if isinstance(r, Text) else Code(r.kind, r.type, self(r.raw), r.pair)
                     for r in runs)


def illegal_spans(text: str) -> Iterator[tuple[str, int | None]]:
    """Split ``text`` into ``(chunk, None)`` for legal text and ``("", codepoint)`` per illegal character."""
    pos = 0
    for match in ILLEGAL_XML.finditer(text):
        if match.start() > pos:
            yield text[pos:match.start()], None
        yield "", ord(match.group())
        pos = match.end()
    if pos < len(text):
        yield text[pos:], None


def trim_runs(runs: tuple[Run, ...]) -> tuple[str, tuple[Run, ...], str]:
    """``(leading, runs, trailing)``: outer whitespace of the first/last text runs taken off.

    Only text runs at the very edges are trimmed; whitespace inside a leading
    code's content stays where it is.  ``leading + raw(runs) + trailing`` is the
    original raw text.
    """
    lead = trail = ""
    out = list(runs)
    if out and isinstance(out[0], Text):
        raw = out[0].raw
        kept = raw.lstrip()
        lead = raw[:len(raw) - len(kept)]
        out[0] = Text(kept)
    if out and isinstance(out[-1], Text):
        raw = out[-1].raw
        kept = raw.rstrip()
        trail = raw[len(kept):]
        out[-1] = Text(kept)
    return lead, tuple(r for r in out if not (isinstance(r, Text) and not r.raw)), trail


def _logical(runs: Iterable[Run]) -> list[tuple[int, str, str, str]]:
    """``(pair, class, type, markup)`` per code in order of its start; markup joins both halves."""
    found: dict[int, list[str]] = {}
    order: list[tuple[int, str, str]] = []
    for run in runs:
        if not isinstance(run, Code):
            continue
        if run.kind == "end":
            found.setdefault(run.pair, []).append(run.raw)
            continue
        found[run.pair] = [run.raw]
        order.append((run.pair, "paired" if run.kind == "begin" else "standalone", run.type))
    return [(pair, cls, type_, "\0".join(found[pair])) for pair, cls, type_ in order]


def link_codes(source: Iterable[Run], target: Iterable[Run]) -> tuple[dict[int, int], dict[int, int]]:
    """Ids linking corresponding codes: ``({source pair: id}, {target pair: id})``.

    A source code's id is its pair number.  A target code takes the id of the
    first unused source code with the same markup, else with the same kind and
    type; codes with no counterpart get fresh ids above every source id.
    """
    source_codes = [run for run in source if type(run) is Code]
    target_codes = [run for run in target if type(run) is Code]
    if source_codes == target_codes:  # the same codes in the same order (most units): ids as they are
        ids = {code.pair: code.pair for code in source_codes}
        return ids, ids.copy()
    src, tgt = _logical(source_codes), _logical(target_codes)
    src_ids = {pair: pair for pair, *_ in src}
    tgt_ids: dict[int, int] = {}
    used: set[int] = set()
    for exact in (True, False):
        for pair, cls, type_, markup in tgt:
            if pair in tgt_ids:
                continue
            for s_pair, s_cls, s_type, s_markup in src:
                if s_pair not in used and s_cls == cls and s_type == type_ and (not exact or s_markup == markup):
                    tgt_ids[pair] = s_pair
                    used.add(s_pair)
                    break
    fresh = max(src_ids.values(), default=0)
    for pair, *_ in tgt:
        if pair not in tgt_ids:
            fresh += 1
            tgt_ids[pair] = fresh
    return src_ids, tgt_ids


def well_nested(runs: Iterable[Run]) -> bool:
    """Whether every begin/end pair closes in the reverse order it opened."""
    stack: list[int] = []
    for run in runs:
        if isinstance(run, Code) and run.kind == "begin":
            stack.append(run.pair)
        elif isinstance(run, Code) and run.kind == "end":
            if not stack or stack.pop() != run.pair:
                return False
    return not stack


def language_tag(locale: str) -> str:
    """The BCP 47 form of a locale as stored (``fr-fr`` → ``fr-FR``; empty → ``und``)."""
    return normalize_tag(locale) if locale and locale.strip() else "und"


def file_stem(locale: str) -> str:
    """A locale made safe as a file name part: ``fr-FR``; anything odd becomes ``_``."""
    return _FILE_SAFE.sub("_", language_tag(locale)).strip("_") or "und"


def stable_id(*parts: str, size: int = 16) -> str:
    """A hex digest of ``parts``, each followed by NUL: the same content always gets the same id."""
    data = ("\0".join(parts) + "\0" if parts else "").encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=size).hexdigest()


def timestamp() -> datetime:
    """Now in UTC, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def signature_text(signature: dict[str, Any]) -> str:
    """The reproducibility signature as one line of JSON with sorted keys."""
    return json.dumps(signature, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def translation_label(translation_type: str | None, repetitions: int, mt_repetitions: int) -> str | None:
    """``MT`` when every occurrence is machine translation, ``MT+HT`` when some are, else the
    article's own ``ms.translationtype`` (``HT``), or None when the articles do not say."""
    if repetitions and mt_repetitions >= repetitions:
        return "MT"
    if mt_repetitions:
        return "MT+HT"
    return translation_type


def external_sort(items: Iterable[T], key: Callable[[T], Any], chunk: int | None = None) -> Iterator[T]:
    """``sorted(items, key=key)`` holding at most ``chunk`` (:data:`SORT_CHUNK`) items in memory;
    sorted runs spill to temporary files and are merged (see :class:`ExternalSorter`)."""
    sorter = ExternalSorter(key, chunk)
    try:
        for item in items:
            sorter.add(item)
    except BaseException:
        sorter.close()
        raise
    yield from sorter.sorted()


class ExternalSorter(Generic[T]):
    """Items added one by one, then given back sorted (by ``key``, stable), holding at most
    ``chunk`` (:data:`SORT_CHUNK`) of them in memory: each full chunk is sorted and spilled to
    a temporary file, and the runs are merged; nothing is written when all fit in one chunk."""

    def __init__(self, key: Callable[[T], Any] | None = None, chunk: int | None = None) -> None:
        self.key = key
        self.chunk = chunk or SORT_CHUNK
        self._batch: list[T] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._files: list[str] = []

    def add(self, item: T) -> None:
        if len(self._batch) >= self.chunk:
            self._spill()
        self._batch.append(item)

    def _spill(self) -> None:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="tmpipe-sort-")
        path = os.path.join(self._tmp.name, f"{len(self._files)}.pickle")
        batch = sorted(self._batch, key=self.key)  # type: ignore[arg-type,type-var]
        self._batch = []
        with open(path, "wb") as handle:
            for at in range(0, len(batch), _PICKLE_BATCH):  # a list per pickle: far fewer calls
                pickle.dump(batch[at:at + _PICKLE_BATCH], handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._files.append(path)

    def sorted(self) -> Iterator[T]:
        """Every item added, sorted; the temporary files are removed once it ends (or is closed)."""
        try:
            if not self._files:
                batch, self._batch = sorted(self._batch, key=self.key), []  # type: ignore[arg-type,type-var]
                yield from batch
                return
            if self._batch:
                self._spill()
            yield from heapq.merge(*(_unpickle(path) for path in self._files), key=self.key)
        finally:
            self.close()

    def close(self) -> None:
        """Forget the items and remove the temporary files."""
        self._batch = []
        self._files = []
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


#: Items pickled together when :class:`ExternalSorter` spills a run.
_PICKLE_BATCH = 256


def _unpickle(path: str) -> Iterator[Any]:
    with open(path, "rb") as handle:
        while True:
            try:
                yield from pickle.load(handle)
            except EOFError:
                return


def unique_id(wanted: str, seen: set[str]) -> str:
    """``wanted``, or ``wanted.2``, ``wanted.3``… if already in ``seen``; added to ``seen``."""
    candidate, n = wanted, 1
    while candidate in seen:
        n += 1
        candidate = f"{wanted}.{n}"
    seen.add(candidate)
    return candidate


# -- writing XML as text ----------------------------------------------------------------------
#
# The exporters build their documents as strings (an element per f-string) and write them
# through :func:`open_xml`: several times faster than lxml's incremental writer, which
# costs a Python-level call per element, attribute and text.  The escaping below is the
# one lxml (libxml2) applies to UTF-8 output, so the bytes are those lxml would write;
# ``tests/test_export_tmx.py`` checks that against lxml.  Text must have been cleaned of
# XML-illegal characters first (:class:`Cleaner`, :func:`illegal_spans`).

#: The XML declaration, as lxml writes it, and the line break after it.
XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"

def has_markup(text: str) -> bool:
    """Whether a raw segment may hold inline markup: without any character that can start a
    code (``_START`` of :mod:`~pipeline.extract.inline`) :func:`~pipeline.extract.inline.parse_segment`
    returns the text as one run, so an exporter can write it without parsing (most segments
    are plain text).  Eight ``in`` tests (memchr) are several times faster than ``_START.search``;
    ``tests/test_export_tmx.py`` checks they test the same characters."""
    return ("*" in text or "[" in text or "_" in text or "`" in text or "<" in text or "]" in text
            or "!" in text or "\\" in text)



def escape_text(text: str) -> str:
    """Element content as lxml writes it: ``&``, ``<``, ``>`` as entities, CR as ``&#13;``."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def escape_attr(text: str) -> str:
    """An attribute value (between double quotes) as lxml writes it: :func:`escape_text`,
    and ``"``, tab, LF and CR as references."""
    text = escape_text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#9;")
    return text


def open_xml(path: os.PathLike[str] | str) -> IO[str]:
    """A text file for an XML document: UTF-8, no newline translation, a large buffer."""
    return open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)
