# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``inline.py``: ``parse_segment``.

``inline.py`` is the reference: this module gives the same Segments for any text
(``tests/test_core.py`` and the fuzz target hold it to that), and its docstring states the
rules.  Here the same rules are written as loops over the text's characters with C integers and
a C array of tokens, in place of a regular expression and token lists: each recognizer below
names the pattern of the reference it stands for.  ``pipeline.core`` decides whether it is used.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.object cimport PyObject_GenericSetAttr, PyTypeObject
from cpython.unicode cimport PyUnicode_1BYTE_KIND, PyUnicode_2BYTE_KIND, PyUnicode_DATA, PyUnicode_KIND
from libc.stdint cimport uint8_t, uint16_t, uint32_t

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256, code_unit

import dataclasses

from pipeline.model import Code, Segment, Text
from pipeline.extract.inline import _EMPHASIS, _STANDALONE, _TAG_TYPE, _VOID

__all__ = ["parse_segment", "model_fields"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")


# -- the model's objects --------------------------------------------------------------------
# The model's classes are frozen slotted dataclasses, whose __init__ sets each field with
# object.__setattr__: half the time of a plain pair went there.  The same is done here with
# the C API (allocate, set each slot), checked against the classes' fields when imported.
# Texts, Segments (and cspans's Pairs) hold only strings, numbers and tuples of such objects,
# so they can never be part of a reference cycle: they are left out of the cyclic GC's scans.

cdef extern from "Python.h":
    object PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t items)
    void PyObject_GC_UnTrack(object obj)


def model_fields(cls, tuple names):
    """The defaults of ``cls``'s fields, once they are checked to be the ones made here."""
    found = tuple(field.name for field in dataclasses.fields(cls))
    if (found != names or not cls.__dataclass_params__.frozen or "__slots__" not in cls.__dict__
            or hasattr(cls, "__post_init__")):
        raise ImportError(f"the compiled core makes {cls.__name__} with fields {names}, the model has {found}")
    return {field.name: field.default for field in dataclasses.fields(cls)}


model_fields(Text, ("raw",))
model_fields(Segment, ("runs",))


cdef inline object _text(str raw):
    text = PyType_GenericAlloc(<PyTypeObject*>Text, 0)
    PyObject_GenericSetAttr(text, "raw", raw)
    PyObject_GC_UnTrack(text)
    return text


cdef inline object _segment_of(tuple runs):
    segment = PyType_GenericAlloc(<PyTypeObject*>Segment, 0)
    PyObject_GenericSetAttr(segment, "runs", runs)
    PyObject_GC_UnTrack(segment)
    return segment


# -- the codec ------------------------------------------------------------------------------

# A token of a segment while pairing is resolved, in a C array (one per markup character at most).
cdef enum Role:
    TEXT, BEGIN, END, STANDALONE

cdef struct Token:
    Py_ssize_t start, end
    Role role
    int kind        # the reference's group: one of the K_ values below
    Py_ssize_t link # an end's opener (index); a begin's pair id once numbered
    Py_ssize_t name_start, name_end  # a tag's name

cdef enum:
    K_CODE, K_XREF, K_INCLUDE, K_AUTOLINK, K_COMMENT, K_TAG, K_IMGOPEN, K_OPEN, K_LINKCLOSE, K_DELIM

cdef dict _CODES = {}
cdef Py_ssize_t _CODES_MAX = 4096


cdef inline bint _starts_token(Py_UCS4 c):
    """``_START``: ``[\\\\`<*_\\[\\]!]``"""
    return c == '\\' or c == '`' or c == '<' or c == '*' or c == '_' or c == '[' or c == ']' or c == '!'


cdef inline bint _ascii_letter(Py_UCS4 c):
    return ('a' <= c <= 'z') or ('A' <= c <= 'Z')


cdef inline Py_UCS4 _lower(Py_UCS4 c):
    return <Py_UCS4>(<long>c + 32) if 'A' <= c <= 'Z' else c


cdef bint _keyword(str raw, Py_ssize_t at, Py_ssize_t size, str word):
    """``(?ai:word)`` at ``at``: ``word`` is lower-case ASCII."""
    cdef Py_ssize_t n = len(word), i
    if at + n > size:
        return False
    for i in range(n):
        if _lower(raw[at + i]) != word[i]:
            return False
    return True


cdef Py_ssize_t _not_gt_space(str raw, Py_ssize_t at, Py_ssize_t size):
    """``[^>\\s]+>`` at ``at``: its end, or -1."""
    cdef Py_ssize_t start = at
    cdef Py_UCS4 c
    while at < size:
        c = raw[at]
        if c == '>':
            return at + 1 if at > start else -1
        if c.isspace():
            return -1
        at += 1
    return -1


cdef Py_ssize_t _code_span(str raw, Py_ssize_t at, Py_ssize_t size):
    """```(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)`` at ``at``: the first later run of exactly as
    many backticks, with at least one character between."""
    cdef Py_ssize_t ticks = 0, i, run
    while at + ticks < size and raw[at + ticks] == '`':
        ticks += 1
    i = at + ticks + 1
    while i < size:
        if raw[i] == '`':
            run = 0
            while i + run < size and raw[i + run] == '`':
                run += 1
            if run == ticks:
                return i + run
            i += run
        else:
            i += 1
    return -1


cdef Py_ssize_t _angle(str raw, Py_ssize_t at, Py_ssize_t size, int* kind):
    """A token at ``<``: xref, autolink, comment or tag, tried in the reference's order."""
    cdef Py_ssize_t i, end
    cdef Py_UCS4 c
    if _keyword(raw, at + 1, size, "xref:"):
        end = _not_gt_space(raw, at + 6, size)
        if end >= 0:
            kind[0] = K_XREF
            return end
    for word in ("https:", "http:", "mailto:", "ftp:"):
        if _keyword(raw, at + 1, size, word):
            end = _not_gt_space(raw, at + 1 + len(word), size)
            if end >= 0:
                kind[0] = K_AUTOLINK
                return end
            break
    if raw.startswith("<!--", at):
        end = raw.find("-->", at + 4)
        if end >= 0:
            kind[0] = K_COMMENT
            return end + 3
    # </?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>
    i = at + 1
    if i < size and raw[i] == '/':
        i += 1
    if i >= size or not _ascii_letter(raw[i]):
        return -1
    i += 1
    while i < size and (_ascii_letter(raw[i]) or '0' <= raw[i] <= '9' or raw[i] == '-'):
        i += 1
    if i >= size:
        return -1
    kind[0] = K_TAG
    c = raw[i]
    if c == '>':
        return i + 1
    if c == '/':
        return i + 2 if i + 1 < size and raw[i + 1] == '>' else -1
    if c.isspace():
        while i < size and raw[i] != '<' and raw[i] != '>':
            i += 1
        return i + 1 if i < size and raw[i] == '>' else -1
    return -1


cdef Py_ssize_t _include(str raw, Py_ssize_t at, Py_ssize_t size):
    """``\\[!(?ai:include)\\s*\\[[^\\]\\n]*\\]\\([^)\\n]*\\)\\]`` at ``at``, or -1."""
    cdef Py_ssize_t i
    if at + 1 >= size or raw[at + 1] != '!' or not _keyword(raw, at + 2, size, "include"):
        return -1
    i = at + 9
    while i < size and raw[i].isspace():
        i += 1
    if i >= size or raw[i] != '[':
        return -1
    i += 1
    while i < size and raw[i] != ']' and raw[i] != '\n':
        i += 1
    if i + 1 >= size or raw[i] != ']' or raw[i + 1] != '(':
        return -1
    i += 2
    while i < size and raw[i] != ')' and raw[i] != '\n':
        i += 1
    if i + 1 >= size or raw[i] != ')' or raw[i + 1] != ']':
        return -1
    return i + 2


cdef inline bint _url_char(Py_UCS4 c):
    """``[^()\\s]``"""
    return c != '(' and c != ')' and not c.isspace()


cdef Py_ssize_t _link_close(str raw, Py_ssize_t at, Py_ssize_t size):
    """``\\]\\((?:[^()\\s]|\\([^()\\s]*\\))*(?:\\s+(?:"[^"]*"|'[^']*'))?\\)`` at ``at``, or -1."""
    cdef Py_ssize_t i, j
    cdef Py_UCS4 quote
    if at + 1 >= size or raw[at + 1] != '(':
        return -1
    i = at + 2
    while i < size:
        if _url_char(raw[i]):
            i += 1
        elif raw[i] == '(':
            j = i + 1
            while j < size and _url_char(raw[j]):
                j += 1
            if j < size and raw[j] == ')':
                i = j + 1
            else:
                break
        else:
            break
    if i >= size:
        return -1
    if raw[i] == ')':
        return i + 1
    if not raw[i].isspace():
        return -1
    while i < size and raw[i].isspace():
        i += 1
    if i >= size or (raw[i] != '"' and raw[i] != "'"):
        return -1
    quote = raw[i]
    j = i + 1
    while j < size and raw[j] != quote:
        j += 1
    if j + 1 < size and raw[j + 1] == ')':
        return j + 2
    return -1


cdef bint _same_name(str raw, Token* a, Token* b):
    """Two tags' names are the same, in any ASCII case."""
    cdef Py_ssize_t n = a.name_end - a.name_start, i
    if b.name_end - b.name_start != n:
        return False
    for i in range(n):
        if _lower(raw[a.name_start + i]) != _lower(raw[b.name_start + i]):
            return False
    return True


cdef inline void _pair(Token* tokens, Py_ssize_t opener, Py_ssize_t closer):
    tokens[opener].role = BEGIN
    tokens[closer].role = END
    tokens[closer].link = opener


cdef object _code(str role, str type_, str raw, Py_ssize_t pair):
    key = (role, type_, raw, pair)
    code = _CODES.get(key)
    if code is None:
        if len(_CODES) >= _CODES_MAX:
            _CODES.clear()
        code = _CODES[key] = Code(role, type_, raw, pair)
    return code


cdef tuple _GROUPS = ("code", "xref", "include", "autolink", "comment")  # K_CODE .. K_COMMENT


cdef str _type(str raw, Token* token):
    """The code type of a token that is not text."""
    cdef int kind = token.kind
    if kind == K_TAG:
        return _TAG_TYPE.get(raw[token.name_start:token.name_end].lower(), "html")
    if kind == K_DELIM:
        return _EMPHASIS[token.end - token.start]
    if kind == K_IMGOPEN:
        return "image"
    if kind == K_OPEN:
        return "link"
    return _STANDALONE[_GROUPS[kind]]


cdef Py_ssize_t _tokenize(str raw, Token* tokens, Py_ssize_t* stack) except -1:
    """``_tokenize``: fills ``tokens`` with the markup found, pairs resolved; returns how many.
    ``stack`` holds the three stacks of openers (brackets, emphasis, tags), each as large as
    ``tokens``."""
    cdef Py_ssize_t size = len(raw), at = 0, end, count = 0, top, length
    cdef Py_ssize_t* brackets = stack
    cdef Py_ssize_t* emphasis = stack + size
    cdef Py_ssize_t* tags = stack + 2 * size
    cdef Py_ssize_t n_brackets = 0, n_emphasis = 0, n_tags = 0
    cdef Py_UCS4 c, before, after
    cdef bint can_open, can_close
    cdef int kind
    cdef Token* token
    while at < size:
        c = raw[at]
        if not _starts_token(c):
            at += 1
            continue
        kind = -1
        end = -1
        if c == '\\':
            if at + 1 < size and (('!' <= raw[at + 1] <= '/') or (':' <= raw[at + 1] <= '@')
                                  or ('[' <= raw[at + 1] <= '`') or ('{' <= raw[at + 1] <= '~')):
                at += 2  # an escaped character: text
            else:
                at += 1
            continue
        if c == '`':
            end = _code_span(raw, at, size)
            kind = K_CODE
        elif c == '<':
            end = _angle(raw, at, size, &kind)
        elif c == '[':
            end = _include(raw, at, size)
            if end >= 0:
                kind = K_INCLUDE
            else:
                end, kind = at + 1, K_OPEN
        elif c == '!':
            if at + 1 < size and raw[at + 1] == '[':
                end, kind = at + 2, K_IMGOPEN
        elif c == ']':
            end = _link_close(raw, at, size)
            if end >= 0:
                kind = K_LINKCLOSE
            else:  # a bracket closed without a link: text, and its opener is forgotten
                if n_brackets:
                    n_brackets -= 1
                at += 1
                continue
        else:  # a run of * or _
            end = at + 1
            while end < size and raw[end] == c:
                end += 1
            kind = K_DELIM
        if end < 0:
            at += 1
            continue
        token = &tokens[count]
        token.start, token.end, token.kind, token.link = at, end, kind, -1
        if kind == K_DELIM:
            token.role = TEXT
            length = end - at
            if length <= 3:
                before = raw[at - 1] if at > 0 else ' '
                after = raw[end] if end < size else ' '
                can_open = not after.isspace()
                can_close = not before.isspace()
                if c == '_':  # no intraword emphasis with underscores
                    can_open = can_open and not before.isalnum()
                    can_close = can_close and not after.isalnum()
                top = n_emphasis - 1
                if can_close:
                    while top >= 0 and not (tokens[emphasis[top]].end - tokens[emphasis[top]].start == length
                                            and raw[tokens[emphasis[top]].start] == c):
                        top -= 1
                if can_close and top >= 0:
                    _pair(tokens, emphasis[top], count)
                    n_emphasis = top
                elif can_open:
                    emphasis[n_emphasis] = count
                    n_emphasis += 1
        elif kind == K_OPEN or kind == K_IMGOPEN:
            token.role = TEXT
            brackets[n_brackets] = count
            n_brackets += 1
        elif kind == K_LINKCLOSE:
            token.role = TEXT
            if n_brackets:
                n_brackets -= 1
                _pair(tokens, brackets[n_brackets], count)
                token.kind = tokens[brackets[n_brackets]].kind  # its type is its opener's
        elif kind == K_TAG:
            token.name_start = at + 2 if raw[at + 1] == '/' else at + 1
            token.name_end = token.name_start + 1
            while _ascii_letter(raw[token.name_end]) or '0' <= raw[token.name_end] <= '9' \
                    or raw[token.name_end] == '-':
                token.name_end += 1
            token.role = STANDALONE
            if raw[at + 1] == '/':
                top = n_tags - 1
                while top >= 0 and not _same_name(raw, &tokens[tags[top]], token):
                    top -= 1
                if top >= 0:
                    _pair(tokens, tags[top], count)
                    n_tags = top  # the tags opened inside and never closed stay standalone
            elif raw[end - 2] != '/' and raw[token.name_start:token.name_end].lower() not in _VOID:
                tags[n_tags] = count
                n_tags += 1
        else:
            token.role = STANDALONE
        count += 1
        at = end
    return count


cdef object _markup(str raw):
    """``_parse_markup``: the runs of a segment that may hold markup."""
    cdef Py_ssize_t size = len(raw), count, i, text_start = 0, next_id = 0
    cdef Token* tokens = <Token*> PyMem_Malloc(size * sizeof(Token))
    cdef Py_ssize_t* stack = <Py_ssize_t*> PyMem_Malloc(3 * size * sizeof(Py_ssize_t))
    cdef Token* token
    cdef list runs = []
    if tokens is NULL or stack is NULL:
        PyMem_Free(tokens)
        PyMem_Free(stack)
        raise MemoryError()
    try:
        count = _tokenize(raw, tokens, stack)
        for i in range(count):
            token = &tokens[i]
            if token.role == TEXT:
                continue
            if token.start > text_start:
                runs.append(_text(raw[text_start:token.start]))
            text_start = token.end
            if token.role == END:
                runs.append(_code("end", _type(raw, token), raw[token.start:token.end],
                                  tokens[token.link].link))
                continue
            next_id += 1
            if token.role == BEGIN:
                token.link = next_id
                runs.append(_code("begin", _type(raw, token), raw[token.start:token.end], next_id))
            else:
                runs.append(_code("standalone", _type(raw, token), raw[token.start:token.end], next_id))
    finally:
        PyMem_Free(tokens)
        PyMem_Free(stack)
    if text_start < size:
        runs.append(_text(raw[text_start:]))
    return _segment_of(tuple(runs))


cdef bint _any_start(const code_unit* data, Py_ssize_t size):
    cdef Py_ssize_t i
    for i in range(size):
        if _starts_token(data[i]):
            return True
    return False


cdef object _segment(str raw):
    cdef int kind = PyUnicode_KIND(raw)
    cdef void* data = PyUnicode_DATA(raw)
    cdef bint markup
    if kind == PyUnicode_1BYTE_KIND:
        markup = _any_start(<const uint8_t*> data, len(raw))
    elif kind == PyUnicode_2BYTE_KIND:
        markup = _any_start(<const uint16_t*> data, len(raw))
    else:
        markup = _any_start(<const uint32_t*> data, len(raw))
    if markup:
        return _markup(raw)
    return _segment_of((_text(raw),) if raw else ())


def parse_segment(str raw):
    """Split a span's inner text into text runs and inline codes (``inline.parse_segment``)."""
    return _segment(raw)
