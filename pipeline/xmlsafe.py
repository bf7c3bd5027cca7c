"""Reading XML that came from outside: no entity expansion, no DTD loading, no network.

Every place tmpipe parses XML (a TMX or XLIFF read back, a baseline) goes through
:func:`parse`, so an XXE file reference or a billion-laughs entity bomb is
refused with a located error instead of being expanded.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .errors import InputError

__all__ = ["parse", "parser"]


def parser() -> etree.XMLParser:
    """An lxml parser with entity expansion, DTD loading and network access off."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def parse(path: Path | str) -> etree._ElementTree:
    """Parse ``path`` safely; entity declarations are refused, errors name file and line."""
    try:
        tree = etree.parse(str(path), parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise InputError(f"{path}:{line}: not well-formed XML: {exc.msg}") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    if tree.docinfo.internalDTD is not None and list(tree.docinfo.internalDTD.iterentities()):
        raise InputError(f"{path}:1: XML declares entities; refused (possible entity expansion attack)")
    return tree
