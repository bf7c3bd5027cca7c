# Declarations the compiled core's modules share (cimported; there is no ccommon module).

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
