# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``po.py``'s part renderer ``_entries`` and of ``entry_key``.

``po.py`` is the reference: this module writes the same text and counts for any part
(``tests/test_core_export.py`` holds it to that), and its docstring states the principles.  Here
a text is read once for the characters ``po.SPECIAL`` names; a text that holds one, or outer
whitespace, is written by the reference's own functions, as the keys of colliding entries are.
"""

from cpython.unicode cimport PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND, PyUnicode_DATA, PyUnicode_KIND
from libc.stdint cimport uint8_t, uint16_t, uint32_t

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256, code_unit
from pipeline.export.cxml cimport clean

from pipeline.model import needs_review
from pipeline.output import Rendered
from pipeline.export.names import unique_id
from pipeline.export.po import _FUZZY, _JSON, _cleaned, _digest, _message, po_comment, po_string
from pipeline.export.xml import Cleaner

__all__ = ["_entries", "entry_key"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")

cdef object _encode_json = _JSON.encode
cdef str MT_COMMENT = "MT: machine translation, needs review"

# ``po.SPECIAL`` below 256: the XML-illegal C0 controls, backslash, quote, LF, tab, CR.
cdef bint SPECIAL[256]
for _c in range(256):
    SPECIAL[_c] = (_c < 0x20 and _c not in (9, 10, 13)) or chr(_c) in '\\"\n\t\r'


cdef bint _has(const code_unit* data, Py_ssize_t size):
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(size):
        c = data[i]
        if code_unit is uint8_t:
            if SPECIAL[c]:
                return True
        elif c < 256:
            if SPECIAL[c]:
                return True
        elif 0xD800 <= c <= 0xDFFF or c == 0xFFFE or c == 0xFFFF:
            return True
    return False


cdef bint _special(str text):
    """``po.SPECIAL.search(text) is not None``."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        return _has(<const uint8_t*>data, len(text))
    if kind == PyUnicode_2BYTE_KIND:
        return _has(<const uint16_t*>data, len(text))
    return _has(<const uint32_t*>data, len(text))


cdef inline bint _as_is(str raw):
    """Whether ``po._message`` writes ``raw`` as it is: nothing to clean, trim or escape."""
    return not _special(raw) and not (raw and (raw[0].isspace() or raw[len(raw) - 1].isspace()))


cdef str _raw(segment):
    """``Segment.raw``."""
    cdef tuple runs = segment.runs
    return runs[0].raw if len(runs) == 1 else "".join([run.raw for run in runs])


def entry_key(str seg_id, str source):
    """The digest of an occurrence's key (``po.entry_key``)."""
    return _digest(seg_id if not _special(seg_id) else _cleaned(seg_id),
                   source if _as_is(source) else _message("msgid", source, _cleaned)[1])


def _entries(part):
    """An article's entries, one per occurrence (``po._entries``)."""
    cdef list rows = part.rows, out = []
    cdef Py_ssize_t count = 0, shared_illegal, at, fuzzy = 0
    cdef set seen = set()
    cdef bint plain, mt
    colliding = part.colliding
    article = rows[0].article
    path = clean(article.path, &count)
    mt = article.translation_type == "MT"
    comment = MT_COMMENT if mt else clean(article.translation_type or "", &count) or "translation type not stated"
    shared_illegal = count
    head = "\n" + po_comment("#.", comment)
    reference = f"#: {path}:"
    slow = None  # a Cleaner for the texts the reference writes, counted into ``count``
    for at in range(len(rows)):
        row = rows[at]
        if at:
            count += shared_illegal  # the path and comment are written (so replaced) again
        source_raw, target_raw = _raw(row.source), _raw(row.target)
        if _as_is(source_raw) and _as_is(target_raw):
            s_lead = s_trail = t_lead = t_trail = ""
            msgid = source_raw
            msgid_po = f'msgid "{source_raw}"\n'
            msgstr_po = f'msgstr "{target_raw}"\n'
        else:
            slow = Cleaner()
            s_lead, msgid, s_trail, msgid_po = _message("msgid", source_raw, slow)
            t_lead, _, t_trail, msgstr_po = _message("msgstr", target_raw, slow)
            count += slow.count
        seg_id = row.id
        plain = not _special(seg_id)
        if not plain:
            seg_id = clean(seg_id, &count)
        if colliding and _digest(seg_id, msgid) in colliding:
            context_po = po_string("msgctxt", unique_id(f"{path}#{seg_id}", seen))
        else:
            context_po = f'msgctxt "{seg_id}"\n' if plain else po_string("msgctxt", seg_id)
        notes = ""
        if s_lead or s_trail or t_lead or t_trail:  # JSON escapes every line break: one comment line
            notes = "#. tmpipe-whitespace: " + _encode_json(
                {"source": [s_lead, s_trail], "target": [t_lead, t_trail]}) + "\n"
        origin = row.origin
        review = False
        if origin == "aligned":
            review = needs_review(origin, row.score)
            notes += f"#. aligned (score {row.score:.3f})\n" if row.score is not None else "#. aligned\n"
        if mt or review:
            fuzzy += 1
            out.append(f"{head}{notes}{reference}{row.line}\n{_FUZZY}{context_po}{msgid_po}{msgstr_po}")
        else:
            out.append(f"{head}{notes}{reference}{row.line}\n{context_po}{msgid_po}{msgstr_po}")
    return Rendered("".join(out), {"units": len(rows), "fuzzy": fuzzy, "illegal_chars": count})
