"""atheris fuzz target for the extractor: any bytes in, never an exception, accounting holds.

Run: ``python fuzz/extract_fuzz.py -max_total_time=60 fuzz/seeds`` (``make fuzz``).
Each input is an article's bytes; the target asserts what the extractor promises:
no exception, ``occurrences == pairs + anomalies``, and every pair's raw text
rebuilt from its runs appears in the decoded article.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from pipeline.extract import decode, extract_bytes


def check(data: bytes) -> None:
    doc = extract_bytes(data, "fr-FR/fuzz.md")
    assert doc.accounted == doc.occurrences, (doc.accounted, doc.occurrences)
    text, _ = decode(data)
    for pair in doc.pairs:
        assert text is not None
        markup = (f'<span data-ttu-id="{pair.id}">{pair.target.raw}</span><span class="sxs-lookup">'
                  f'<span data-stu-id="{pair.id}">{pair.source.raw}</span></span>')
        assert markup in text


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
