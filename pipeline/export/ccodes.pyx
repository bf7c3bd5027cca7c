# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The compiled twin of ``codes.py``'s ``link_codes`` and ``well_nested``, for the compiled renderers.

``codes.py`` is the reference (``tests/test_core_export.py`` holds this module to it).  The case
nearly every unit is in, the same codes in the same order on both sides, is decided here; a unit
whose codes differ is linked by the reference.
"""

from pipeline.ccommon cimport TMPIPE_SOURCE_SHA256

from pipeline.model import Code
from pipeline.export import codes

__all__ = ["link_codes", "well_nested"]

#: The SHA-256 of this file when it was built (see ccommon.pxd).
SOURCE_SHA256 = TMPIPE_SOURCE_SHA256.decode("ascii")

cdef object _link_codes = codes.link_codes


cdef inline bint _same(a, b):
    """``a == b`` for two Codes (the dataclass's ``__eq__``: same class, same fields)."""
    return a is b or (type(b) is Code and a.kind == b.kind and a.type == b.type and a.raw == b.raw
                      and a.pair == b.pair)


def link_codes(source, target):
    """Ids linking corresponding codes (``codes.link_codes``)."""
    cdef list source_codes = [run for run in source if type(run) is Code]
    cdef list target_codes = [run for run in target if type(run) is Code]
    cdef Py_ssize_t i
    if len(source_codes) == len(target_codes):
        for i in range(len(source_codes)):
            if not _same(source_codes[i], target_codes[i]):
                break
        else:
            ids = {code.pair: code.pair for code in source_codes}
            return ids, ids.copy()
    return _link_codes(source, target)


def well_nested(runs):
    """Whether every begin/end pair closes in the reverse order it opened (``codes.well_nested``)."""
    cdef list stack = []
    for run in runs:
        if isinstance(run, Code):
            kind = run.kind
            if kind == "begin":
                stack.append(run.pair)
            elif kind == "end":
                if not stack or stack.pop() != run.pair:
                    return False
    return not stack
