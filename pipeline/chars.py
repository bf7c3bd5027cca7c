"""Characters that need care wherever text leaves tmpipe."""

from __future__ import annotations

import re

__all__ = ["XML_ILLEGAL", "REPLACEMENT"]

#: One character that XML 1.0 does not allow anywhere in a document: C0 controls other than tab,
#: LF and CR; lone surrogates; U+FFFE and U+FFFF.  Extraction reports them; exports replace them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What replaces such a character (U+FFFD).
REPLACEMENT = "\ufffd"
