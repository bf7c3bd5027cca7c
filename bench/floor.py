"""The floor: one compiled-regex pass that reads each file once and writes ``(id, target, source)`` lines.

This is the least any extractor must do: read and decode the bytes, find the
strict span pairs, write them out.  It checks nothing, keeps no provenance and
writes no TM, so tmpipe's time is quoted as a multiple of it.

Run: ``python -m bench.floor CORPUS OUT.tsv``
"""

from __future__ import annotations

import os
import re
import sys

__all__ = ["PAIR", "main"]

PAIR = re.compile(
    r'<span data-ttu-id="([^"]+)">(.*?)</span><span class="sxs-lookup"><span data-stu-id="[^"]+">(.*?)</span></span>',
    re.DOTALL)


def main(corpus: str, out: str) -> int:
    """Write one tab-separated line per pair of every ``.md`` file under ``corpus``; returns the count."""
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        for folder, dirs, files in os.walk(corpus):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(".md"):
                    continue
                with open(os.path.join(folder, name), "rb") as article:
                    text = article.read().decode("utf-8", "replace")
                for seg_id, target, source in PAIR.findall(text):
                    handle.write(f"{seg_id}\t{target}\t{source}\n")
                    count += 1
    return count


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2]))
