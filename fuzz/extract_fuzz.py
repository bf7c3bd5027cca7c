"""atheris fuzz target for the extractor: any bytes in, never an exception, accounting holds, and the
compiled core gives what the pure-Python reference gives.

Run: ``python fuzz/extract_fuzz.py -max_total_time=60 fuzz/seeds`` (``make fuzz``).
Each input is an article's bytes; the target asserts what the extractor promises:
no exception, ``occurrences == pairs + anomalies``, every pair's raw text rebuilt
from its runs appears in the decoded article; and that the compiled scanner and
codec (the ones ``extract_bytes`` runs) return the same pairs, anomalies and
segments as ``spans.py`` and ``inline.py``, for the article and for its text
taken as one segment.  Coverage guides the inputs through the pure-Python
modules (atheris instruments Python bytecode, not the compiled module), whose
branches are the rules the compiled one implements.  ``TMPIPE_PURE=1`` fuzzes
the pure-Python core alone.
"""

from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports():
    from pipeline import core
    from pipeline.extract import decode, extract_bytes, inline, spans

if core.compiled():
    from pipeline.extract import cinline, cspans
elif os.environ.get(core.PURE_ENV):
    cinline = cspans = None
else:
    sys.exit(f"fuzz: the compiled core is not in use ({core.describe()}); install it (make) or set {core.PURE_ENV}=1")

_SEGMENT_MAX = 4000  # a whole article as one segment: long enough for any markup, short enough to run often


def check(data: bytes) -> None:
    doc = extract_bytes(data, "fr-FR/fuzz.md")
    assert doc.accounted == doc.occurrences, (doc.accounted, doc.occurrences)
    text, _ = decode(data)
    for pair in doc.pairs:
        assert text is not None
        markup = (f'<span data-ttu-id="{pair.id}">{pair.target.raw}</span><span class="sxs-lookup">'
                  f'<span data-stu-id="{pair.id}">{pair.source.raw}</span></span>')
        assert markup in text
    if cspans is None or cinline is None or text is None:
        return
    assert list(cspans.scan_pairs(text)) == list(spans.scan_pairs(text))
    segment = text[:_SEGMENT_MAX]
    assert cinline.parse_segment(segment) == inline.parse_segment(segment)


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
