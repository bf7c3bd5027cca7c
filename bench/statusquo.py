"""The status quo: what users do today, a BeautifulSoup script plus translate-toolkit's TMX writer.

Each article is parsed with BeautifulSoup's ``html.parser``; every
``<span data-ttu-id>`` with its ``sxs-lookup`` sibling becomes a translation
unit added to an in-memory ``tmxfile`` per target locale, serialised at the
end to ``OUT/<locale>.tmx``.

Run: ``python -m bench.statusquo CORPUS OUT_DIR``
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from translate.storage.tmx import tmxfile

__all__ = ["main"]

_LOCALE = re.compile(r"^ms\.contentlocale:\s*([A-Za-z-]+)", re.MULTILINE)


def main(corpus: str, out: str) -> int:
    """Write one TMX per locale of the pairs under ``corpus``; returns the number of pairs."""
    memories: dict[str, tmxfile] = {}
    count = 0
    for folder, dirs, files in os.walk(corpus):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            text = Path(folder, name).read_text(encoding="utf-8", errors="replace")
            found = _LOCALE.search(text)
            locale = found.group(1) if found else "und"
            memory = memories.setdefault(locale, tmxfile(sourcelanguage="en-US", targetlanguage=locale))
            soup = BeautifulSoup(text, "html.parser")
            for target in soup.find_all("span", attrs={"data-ttu-id": True}):
                twin = target.find_next_sibling("span", class_="sxs-lookup")
                source = twin.find("span", attrs={"data-stu-id": True}) if twin else None
                if source is None:
                    continue
                memory.addtranslation(source.get_text(), "en-US", target.get_text(), locale)
                count += 1
    Path(out).mkdir(parents=True, exist_ok=True)
    for locale, memory in sorted(memories.items()):
        with open(Path(out, f"{locale}.tmx"), "wb") as handle:
            memory.serialize(handle)
    return count


if __name__ == "__main__":
    print(main(sys.argv[1], sys.argv[2]))
