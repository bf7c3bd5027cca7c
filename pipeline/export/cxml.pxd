# What the compiled renderers share (cimported from cxml.pyx): XML escaping and cleaning.

cdef enum:
    ATTR = 1   # escape as an attribute value between double quotes (xml.escape_attr), else as content
    CLEAN = 2  # replace each XML-illegal character with U+FFFD first, counting it (xml.Cleaner)
    ONLY = 4   # with CLEAN: clean, escape nothing

cdef str escape(str text, int mode, Py_ssize_t* replaced)
cdef str clean(str text, Py_ssize_t* replaced)
cdef bint has_illegal(str text)
cdef tuple clean_runs(tuple runs, Py_ssize_t* replaced)
