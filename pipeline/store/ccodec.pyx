# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``codec.py``: segments to and from their stored columns, and the row makers.

``codec.py`` is the reference: this module gives the same Segments, rows and columns for any
input (``tests/test_core.py`` holds it to that), and its docstring states the layout.  Here
the objects are made by putting their fields in their slots (``ccommon.pxd``), and the codes'
JSON, whose layout the store writes itself (``[[start,end,"kind","type",pair],...]``), is read
and written by hand; anything else (an escaped string, spaces) goes through ``json`` as in the
reference.  ``pipeline.core`` decides whether it is used.
"""

from cpython.unicode cimport PyUnicode_READ_CHAR

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256, new_object, put, slot_offsets

import dataclasses
import hashlib
import html

from pipeline.model import Code, Segment, Text
from pipeline.rows import OccurrenceRow, QaUnit, UnitRow
from pipeline.store.codec import _EMPTY, _JSON, _LOADS, NO_CODES

__all__ = ["decode", "encode", "occurrence_rows", "pair_rows", "qa_unit_rows", "unit_key", "unit_rows"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")


cdef tuple _slots(cls, tuple names):
    return slot_offsets(cls, names, tuple(field.name for field in dataclasses.fields(cls)))


cdef Py_ssize_t TEXT_RAW, CODE_KIND, CODE_TYPE, CODE_RAW, CODE_PAIR, SEGMENT_RUNS
(TEXT_RAW,) = _slots(Text, ("raw",))
CODE_KIND, CODE_TYPE, CODE_RAW, CODE_PAIR = _slots(Code, ("kind", "type", "raw", "pair"))
(SEGMENT_RUNS,) = _slots(Segment, ("runs",))
# The rows' slots, in the order of their fields.
cdef Py_ssize_t OCCURRENCE[10]
cdef Py_ssize_t UNIT[13]
cdef Py_ssize_t QA_UNIT[10]
for _at, _offset in enumerate(_slots(OccurrenceRow, ("article", "seq", "id", "line", "end_line", "unit_id", "source",
                                                     "target", "origin", "score"))):
    OCCURRENCE[_at] = _offset
for _at, _offset in enumerate(_slots(UnitRow, ("id", "key", "source_locale", "target_locale", "source", "target",
                                               "repetitions", "mt_repetitions", "article", "seg_id", "line", "origin",
                                               "score"))):
    UNIT[_at] = _offset
for _at, _offset in enumerate(_slots(QaUnit, ("key", "unit_id", "locale", "source_locale", "source_raw", "target_raw",
                                              "source_text", "target_text", "source", "target"))):
    QA_UNIT[_at] = _offset
cdef str BEGIN = "begin", END = "end", STANDALONE = "standalone"
cdef object _unescape = html.unescape
cdef object _blake2b = hashlib.blake2b


cdef inline object _text(str raw):
    text = new_object(Text)
    put(text, TEXT_RAW, raw)
    return text


cdef inline object _segment(tuple runs):
    segment = new_object(Segment)
    put(segment, SEGMENT_RUNS, runs)
    return segment


cdef object _code(str kind, str type_, str raw, object pair):
    code = new_object(Code)
    put(code, CODE_KIND, kind)
    put(code, CODE_TYPE, type_)
    put(code, CODE_RAW, raw)
    put(code, CODE_PAIR, pair)
    return code


# -- decoding -------------------------------------------------------------------------------

cdef Py_ssize_t _number(str codes, Py_ssize_t* at, Py_ssize_t size):
    """A non-negative integer at ``at[0]`` (moved past it), or -1."""
    cdef Py_ssize_t value = 0, start = at[0]
    cdef Py_UCS4 c
    while at[0] < size:
        c = PyUnicode_READ_CHAR(codes, at[0])
        if c < '0' or c > '9':
            break
        value = value * 10 + (<long>c - 48)
        at[0] += 1
    return value if at[0] > start and at[0] - start < 18 else -1


cdef str _string(str codes, Py_ssize_t* at, Py_ssize_t size):
    """A JSON string without escapes at ``at[0]`` (moved past it), or None."""
    cdef Py_ssize_t start
    if at[0] >= size or PyUnicode_READ_CHAR(codes, at[0]) != '"':
        return None
    start = at[0] + 1
    end = codes.find('"', start)
    if end < 0:
        return None
    at[0] = end + 1
    return codes[start:end]


cdef inline bint _expect(str codes, Py_ssize_t* at, Py_ssize_t size, Py_UCS4 c):
    if at[0] < size and PyUnicode_READ_CHAR(codes, at[0]) == c:
        at[0] += 1
        return True
    return False


cdef str _kind(str kind):
    """One string object per kind (the codes of a TM repeat three kinds)."""
    if kind == BEGIN:
        return BEGIN
    if kind == END:
        return END
    if kind == STANDALONE:
        return STANDALONE
    return kind


cdef list _parsed(str codes):
    """The codes' ``[start, end, kind, type, pair]`` lists read by hand, or None when they are
    not in the layout the store writes (then ``json`` reads them)."""
    cdef Py_ssize_t size = len(codes), at = 1, start, end, pair
    cdef list found = []
    if "\\" in codes or not size or PyUnicode_READ_CHAR(codes, 0) != '[':
        return None
    while True:
        if not _expect(codes, &at, size, '['):
            return None
        start = _number(codes, &at, size)
        if start < 0 or not _expect(codes, &at, size, ','):
            return None
        end = _number(codes, &at, size)
        if end < 0 or not _expect(codes, &at, size, ','):
            return None
        kind = _string(codes, &at, size)
        if kind is None or not _expect(codes, &at, size, ','):
            return None
        type_ = _string(codes, &at, size)
        if type_ is None or not _expect(codes, &at, size, ','):
            return None
        pair = _number(codes, &at, size)
        if pair < 0 or not _expect(codes, &at, size, ']'):
            return None
        found.append((start, end, _kind(kind), type_, pair))
        if _expect(codes, &at, size, ']'):
            return found if at == size else None
        if not _expect(codes, &at, size, ','):
            return None


cdef object _decode(str raw, str codes):
    cdef Py_ssize_t at = 0, start, end
    if codes == NO_CODES:
        return _segment((_text(raw),)) if raw else _EMPTY
    parsed = _parsed(codes)
    if parsed is None:
        parsed = _LOADS(codes)
    runs = []
    for start, end, kind, type_, pair in parsed:
        if start > at:
            runs.append(_text(raw[at:start]))
        runs.append(_code(kind, type_, raw[start:end], pair))
        at = end
    if at < len(raw):
        runs.append(_text(raw[at:]))
    return _segment(tuple(runs))


def decode(str raw, str codes):
    """The segment stored as ``raw`` with ``codes`` (``codec.decode``)."""
    return _decode(raw, codes)


# -- the row makers -------------------------------------------------------------------------

def occurrence_rows(rows, article):
    """Occurrences from rows of ``codec.OCCURRENCE_COLUMNS`` (``codec.occurrence_rows``)."""
    cdef tuple row
    current = None
    file_id = None
    for item in rows:
        row = <tuple?>item
        if row[0] != file_id:
            file_id = row[0]
            current = article(file_id)
        made = new_object(OccurrenceRow)
        put(made, OCCURRENCE[0], current)
        put(made, OCCURRENCE[1], row[1])
        put(made, OCCURRENCE[2], row[2])
        put(made, OCCURRENCE[3], row[3])
        put(made, OCCURRENCE[4], row[4])
        put(made, OCCURRENCE[5], row[5])
        put(made, OCCURRENCE[6], _decode(row[6], row[7]))
        put(made, OCCURRENCE[7], _decode(row[8], row[9]))
        put(made, OCCURRENCE[8], row[10])
        put(made, OCCURRENCE[9], row[11])
        yield made


def unit_rows(rows, article):
    """Units with their first occurrence from rows of ``codec.UNIT_COLUMNS`` (``codec.unit_rows``)."""
    cdef tuple row
    current = None
    file_id = None
    for item in rows:
        row = <tuple?>item
        if row[10] != file_id:
            file_id = row[10]
            current = article(file_id)
        made = new_object(UnitRow)
        put(made, UNIT[0], row[0])
        put(made, UNIT[1], row[1])
        put(made, UNIT[2], row[2])
        put(made, UNIT[3], row[3])
        put(made, UNIT[4], _decode(row[4], row[5]))
        put(made, UNIT[5], _decode(row[6], row[7]))
        put(made, UNIT[6], row[8])
        put(made, UNIT[7], row[9])
        put(made, UNIT[8], current)
        put(made, UNIT[9], row[11])
        put(made, UNIT[10], row[12])
        put(made, UNIT[11], row[13])
        put(made, UNIT[12], row[14])
        yield made


def qa_unit_rows(rows):
    """What segment checks see, from rows of ``codec.QA_UNIT_COLUMNS`` (``codec.qa_unit_rows``)."""
    cdef tuple row
    for item in rows:
        row = <tuple?>item
        made = new_object(QaUnit)
        put(made, QA_UNIT[0], row[0])
        put(made, QA_UNIT[1], row[1])
        put(made, QA_UNIT[2], row[2])
        put(made, QA_UNIT[3], row[3])
        put(made, QA_UNIT[4], row[4])
        put(made, QA_UNIT[5], row[6])
        put(made, QA_UNIT[6], row[8])
        put(made, QA_UNIT[7], row[9])
        put(made, QA_UNIT[8], _decode(row[4], row[5]))
        put(made, QA_UNIT[9], _decode(row[6], row[7]))
        yield made


# -- encoding -------------------------------------------------------------------------------

cdef inline str _plain(str raw):
    """``Text.text``: entities decoded."""
    return _unescape(raw) if "&" in raw else raw


cdef bint _json_safe(str text):
    """Whether JSON writes ``text`` between quotes as it is (no quote, backslash or control)."""
    cdef Py_UCS4 c
    for c in text:
        if c < 0x20 or c == '"' or c == '\\':
            return False
    return True


cdef tuple _encode(segment):
    cdef tuple runs = segment.runs
    cdef Py_ssize_t at = 0
    cdef bint by_hand = True
    if len(runs) == 1 and type(runs[0]) is Text:  # plain text: most segments
        raw = runs[0].raw
        return raw, _plain(raw), NO_CODES
    raws = []
    texts = []
    codes = []
    for run in runs:
        raw = run.raw
        if type(run) is Text:
            texts.append(_plain(raw))
        else:
            codes.append([at, at + len(raw), run.kind, run.type, run.pair])
            by_hand = by_hand and type(run.pair) is int and _json_safe(run.kind) and _json_safe(run.type)
        raws.append(raw)
        at += len(raw)
    if not codes:
        return "".join(raws), "".join(texts), NO_CODES
    if by_hand:
        written = "[" + ",".join([f'[{c[0]},{c[1]},"{c[2]}","{c[3]}",{c[4]}]' for c in codes]) + "]"
    else:
        written = _JSON.encode(codes)
    return "".join(raws), "".join(texts), written


def encode(segment):
    """``(raw, text, codes)`` of a segment (``codec.encode``)."""
    return _encode(segment)


cdef bytes _unit_key(str source_locale, str target_locale, str source, str target):
    data = f"{source_locale}\0{target_locale}\0{source}\0{target}\0".encode("utf-8", "surrogatepass")
    return _blake2b(data, digest_size=16).digest()


def unit_key(str source_locale, str target_locale, str source, str target):
    """A unit's identity (``codec.unit_key``)."""
    return _unit_key(source_locale, target_locale, source, target)


def pair_rows(pairs, str source_locale, str locale):
    """The ``units`` and occurrence columns of each pair (``codec.pair_rows``)."""
    cdef list units = [], occurrences = []
    cdef Py_ssize_t seq = 0
    for pair in pairs:
        source_raw, source_text, source_codes = _encode(pair.source)
        target_raw, target_text, target_codes = _encode(pair.target)
        units.append((_unit_key(source_locale, locale, source_raw, target_raw), source_locale, locale,
                      source_raw, target_raw, source_text, target_text, source_codes, target_codes))
        occurrences.append((seq, pair.id, pair.line, pair.end_line, pair.origin, pair.score))
        seq += 1
    return units, occurrences
