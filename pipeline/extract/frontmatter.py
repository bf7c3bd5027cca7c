"""YAML front matter: split it off an article and read it, never failing the article."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from ..model import Anomaly, Unpaired

__all__ = ["FrontMatter", "read_front_matter", "UNPAIRED_KEYS"]

#: Front matter keys whose values are translated but have no English twin.
UNPAIRED_KEYS = ("title", "description")

_OPEN = re.compile(r"\A---[ \t]*(?:\r\n?|\n)")
_CLOSE = re.compile(r"(?:(?<=\n)|(?<=\r))(?:---|\.\.\.)[ \t]*(?=\r|\n|\Z)")

try:  # libyaml's loader is much faster; BaseLoader keeps every value a string
    _Loader: type = yaml.CBaseLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - pure Python fallback
    _Loader = yaml.BaseLoader


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What the front matter held, as strings."""

    fields: dict[str, str]
    """Scalar values by key (nested values are left out)."""
    unpaired: tuple[Unpaired, ...]
    """``title``/``description`` as unpaired target text."""
    anomalies: tuple[Anomaly, ...]
    """Problems found (unterminated block, YAML that does not parse)."""


def read_front_matter(text: str) -> FrontMatter:
    """Read the ``---``-fenced YAML block at the start of ``text``, if any."""
    opening = _OPEN.match(text)
    if not opening:
        return FrontMatter({}, (), ())
    closing = _CLOSE.search(text, opening.end())
    if not closing:
        return FrontMatter({}, (), (Anomaly(
            "front-matter", 1, "front matter opened by --- is never closed", text[:80].split("\n")[0]),))
    block = text[opening.end():closing.start()]
    try:
        data = yaml.load(block, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 1 + _line_count(text[:opening.end()]) + mark.line if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        return FrontMatter({}, (), (Anomaly("front-matter", line, f"YAML does not parse: {problem}"),))
    if not isinstance(data, dict):
        return FrontMatter({}, (), (Anomaly("front-matter", 2, "front matter is not a mapping"),) if data else ())
    fields = {str(k): v for k, v in data.items() if isinstance(v, str)}
    unpaired = tuple(
        Unpaired(key, fields[key], _key_line(block, key))
        for key in UNPAIRED_KEYS if fields.get(key)
    )
    return FrontMatter(fields, unpaired, ())


def _line_count(text: str) -> int:
    return len(re.findall(r"\r\n?|\n", text))


def _key_line(block: str, key: str) -> int:
    match = re.search(rf"(?:^|(?<=\r)){re.escape(key)}\s*:", block, re.MULTILINE)
    return 2 + _line_count(block[:match.start()]) if match else 1
