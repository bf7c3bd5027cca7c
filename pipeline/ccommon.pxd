# Declarations and small helpers the compiled core's modules share (cimported; there is no
# ccommon module: each module compiles the inline functions below into itself).

from cpython.object cimport PyObject, PyTypeObject
from cpython.ref cimport Py_INCREF
from libc.stdint cimport uint8_t, uint16_t, uint32_t

# Set by the build (setup.py) to the SHA-256 of the module's .pyx, which the module exposes as
# SOURCE_SHA256, so pipeline.core can tell a module built from another version of its source.
cdef extern from *:
    """
    #ifndef TMPIPE_SOURCE_SHA256
    #define TMPIPE_SOURCE_SHA256 ""
    #endif
    """
    const char* TMPIPE_SOURCE_SHA256

ctypedef fused code_unit:  # the three widths CPython stores a str in (PEP 393)
    uint8_t
    uint16_t
    uint32_t


# -- making slotted dataclass objects --------------------------------------------------------
# The model's and the rows' classes are slotted dataclasses: their __init__ is Python code that
# sets each field (through object.__setattr__ for the frozen ones), several times the cost of
# what it stores.  A compiled module allocates the object and puts each field in its slot, at
# the slot's offset, checked against the class's fields when the module is imported
# (:func:`slot_offsets`).  The objects made so hold strings, numbers, tuples and other such
# objects, never themselves: they are left out of the cyclic GC's scans.

cdef extern from "Python.h":
    object PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t items)
    void PyObject_GC_UnTrack(object obj)
    ctypedef struct PyMemberDef:
        const char* name
        int type
        Py_ssize_t offset
    ctypedef struct PyMemberDescrObject:
        PyMemberDef* d_member

cdef extern from "structmember.h":
    int T_OBJECT_EX


cdef inline tuple slot_offsets(cls, tuple names, tuple found):
    """The offset of each field of ``cls`` in ``names``, once the class is checked to be a slotted
    dataclass with exactly these fields (``found``: its fields' names, in order) and no
    ``__post_init__``."""
    if found != names or "__slots__" not in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise ImportError(f"the compiled core makes {cls.__name__} with fields {names}, the class has {found}")
    offsets = []
    for name in names:
        descr = cls.__dict__[name]
        if type(descr).__name__ != "member_descriptor" or (<PyMemberDescrObject*>descr).d_member.type != T_OBJECT_EX:
            raise ImportError(f"{cls.__name__}.{name} is not a slot")
        offsets.append((<PyMemberDescrObject*>descr).d_member.offset)
    return tuple(offsets)


cdef inline object new_object(type cls):
    """An instance of ``cls`` with every slot empty (to be filled by :func:`put`), untracked."""
    obj = PyType_GenericAlloc(<PyTypeObject*>cls, 0)
    PyObject_GC_UnTrack(obj)
    return obj


cdef inline void put(object obj, Py_ssize_t offset, object value):
    """Fill the empty slot at ``offset`` of ``obj`` (from :func:`new_object`) with ``value``."""
    Py_INCREF(value)
    (<PyObject**>((<char*><PyObject*>obj) + offset))[0] = <PyObject*>value
