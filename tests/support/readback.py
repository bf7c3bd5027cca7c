"""Reading exports back, two ways, independently of the exporters' code.

- :func:`toolkit_pairs`: what translate-toolkit's storage classes (the readers Weblate,
  Pootle and Virtaal use) see: ``(source, target)`` per unit.
- :func:`rebuilt_pairs`: the raw segments rebuilt from the file alone, inline codes
  included (``bpt``/``ept``/``ph`` content, XLIFF 2 ``originalData``, ``cp``, the
  moved-out whitespace): must equal the raw text in the TM.

And :func:`expected_pairs`: what each format should hold, from the TM.
"""

from __future__ import annotations

import json
from pathlib import Path

import polib
from lxml import etree

from pipeline.extract.inline import parse_segment
from pipeline.model import Text
from pipeline.rows import is_mt
from pipeline.store import Store

__all__ = ["toolkit_pairs", "rebuilt_pairs", "expected_pairs", "toolkit_view", "FORMAT_GLOBS"]

Pairs = list[tuple[str, str]]
X12 = "{urn:oasis:names:tc:xliff:document:1.2}"
X2 = "{urn:oasis:names:tc:xliff:document:2.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Where each format's per-locale files are, relative to a build directory.
FORMAT_GLOBS = {"tmx": "tmx/**/*.tmx", "xliff-1.2": "xliff-1.2/*.xlf", "xliff-2": "xliff-2/*.xlf", "po": "po/*.po"}


# -- translate-toolkit --------------------------------------------------------------

def toolkit_pairs(fmt: str, path: Path, target_lang: str | None = None) -> Pairs:
    """``(source, target)`` of every unit as translate-toolkit reads the file."""
    from translate.storage import pypo, tmx, xliff, xliff2

    cls = {"tmx": tmx.tmxfile, "xliff-1.2": xliff.xlifffile, "xliff-2": xliff2.Xliff2File,
           "po": pypo.pofile}[fmt]
    with open(path, "rb") as handle:
        store = cls.parsefile(handle) if fmt != "tmx" else cls(handle, targetlanguage=target_lang)
    return [(str(unit.source), str(unit.target or "")) for unit in store.units if not unit.isheader()]


def toolkit_view(fmt: str, raw: str) -> str:
    """What translate-toolkit shows of a raw segment in ``fmt``.

    TMX and PO hold the segment without its outer whitespace (see README "Exports"),
    XLIFF 1.2 all of it; the XLIFF 2 reader keeps only the text outside inline codes.
    """
    if fmt in ("tmx", "po"):
        return raw.strip()
    if fmt == "xliff-2":
        return "".join(run.raw for run in parse_segment(raw).runs if isinstance(run, Text))
    return raw


# -- rebuilt from the file ----------------------------------------------------------------

def _inline_text(element: etree._Element) -> str:
    """Text and inline-code content, in document order (TMX ``seg``, XLIFF 1.2 source/target)."""
    return "".join(element.itertext())


def _tmx(path: Path) -> Pairs:
    pairs: Pairs = []
    for _, tu in etree.iterparse(str(path), tag="tu", huge_tree=True):
        sides = []
        for tuv in tu.iterfind("tuv"):
            props = {p.get("type"): p.text or "" for p in tuv.iterfind("prop")}
            lead = json.loads(props.get("x-leading-whitespace", '""'))
            trail = json.loads(props.get("x-trailing-whitespace", '""'))
            sides.append(lead + _inline_text(tuv.find("seg")) + trail)
        pairs.append((sides[0], sides[1]))
        tu.clear()
    return pairs


def _xliff12(path: Path) -> Pairs:
    pairs: Pairs = []
    for _, unit in etree.iterparse(str(path), tag=X12 + "trans-unit", huge_tree=True):
        pairs.append((_inline_text(unit.find(X12 + "source")), _inline_text(unit.find(X12 + "target"))))
        unit.clear()
    return pairs


def _xliff2_content(element: etree._Element, data: dict[str, str]) -> str:
    out = [element.text or ""]
    for child in element:
        tag = etree.QName(child).localname
        if tag == "cp":
            out.append(chr(int(child.get("hex"), 16)))
        elif tag == "pc":
            out.append(data[child.get("dataRefStart")] + _xliff2_content(child, data)
                       + data[child.get("dataRefEnd")])
        elif tag in ("ph", "sc", "ec"):
            out.append(data[child.get("dataRef")])
        else:
            raise AssertionError(f"unexpected inline element <{tag}>")
        out.append(child.tail or "")
    return "".join(out)


def _xliff2(path: Path) -> Pairs:
    pairs: Pairs = []
    for _, unit in etree.iterparse(str(path), tag=X2 + "unit", huge_tree=True):
        data = {d.get("id"): _xliff2_content(d, {}) for d in unit.iter(X2 + "data")}
        segment = unit.find(X2 + "segment")
        pairs.append((_xliff2_content(segment.find(X2 + "source"), data),
                      _xliff2_content(segment.find(X2 + "target"), data)))
        unit.clear()
    return pairs


def _po(path: Path) -> Pairs:
    pairs: Pairs = []
    for entry in polib.pofile(str(path)):
        ws = {"source": ["", ""], "target": ["", ""]}
        for line in entry.comment.splitlines():
            if line.startswith("tmpipe-whitespace: "):
                ws = json.loads(line.split(": ", 1)[1])
        pairs.append((ws["source"][0] + entry.msgid + ws["source"][1],
                      ws["target"][0] + entry.msgstr + ws["target"][1]))
    return pairs


def rebuilt_pairs(fmt: str, path: Path) -> Pairs:
    """Raw ``(source, target)`` per unit, rebuilt from the file's markup alone."""
    return {"tmx": _tmx, "xliff-1.2": _xliff12, "xliff-2": _xliff2, "po": _po}[fmt](path)


# -- expected from the TM -------------------------------------------------------------------

def expected_pairs(store: Store, fmt: str, source_locale: str, target_locale: str,
                   mt: bool | None = None) -> Pairs:
    """Raw ``(source, target)`` the TM says a per-locale file of ``fmt`` holds, in order.

    TMX holds deduplicated units (``mt``: only MT-only units / only the others, for
    ``--split-mt``); XLIFF and PO hold every occurrence.
    """
    if fmt == "tmx":
        return [(u.source.raw, u.target.raw) for u in store.units(source_locale, target_locale)
                if mt is None or is_mt(u) == mt]
    return [(s.source.raw, s.target.raw) for s in store.segments(target_locale, source_locale)]
