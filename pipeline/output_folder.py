"""An output folder as people meet it: its names, what a build says about it, what finds it again.

``build_summary`` turns a build's manifest into the closing lines of ``tmpipe build``,
``no_pairs_message`` is what a build that found no pair says; ``tm_of`` resolves what
``tmpipe qa``/``stats``/``export`` are given (an output folder, a TM file, or by mistake a corpus
folder), and ``qa_settings``/``recorded_qa_inputs`` write and read back the QA inputs of a build.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .corpus import ARTICLE_SUFFIXES, Root
from .errors import InputError

__all__ = ["MANIFEST", "QA_INPUTS", "TM_NAME", "build_summary", "escape_field", "no_pairs_message", "qa_settings",
           "recorded_qa_inputs", "tm_of"]

TM_NAME = "tm.sqlite"
MANIFEST = "manifest.json"

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def escape_field(text: str) -> str:
    """``text`` on one line of a tab-separated output: backslash, tab, LF and CR escaped."""
    return text.translate(_ESCAPES)


def _holds_articles(folder: Path, limit: int = 2000) -> bool:
    """Whether Markdown files sit in ``folder`` or below (looking at ``limit`` entries at most)."""
    seen = 0
    for _, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(name.lower().endswith(ARTICLE_SUFFIXES) for name in files):
            return True
        seen += len(files) + len(dirs)
        if seen > limit:
            break
    return False


def tm_of(target: Path) -> Path:
    """The TM a command is pointed at: ``target/tm.sqlite`` for a folder, else ``target`` itself.

    A folder without a TM is an error that says what it is instead (a corpus, most often)."""
    target = Path(target)
    if not target.is_dir():
        return target
    if (target / TM_NAME).is_file():
        return target / TM_NAME
    if _holds_articles(target):
        raise InputError(f"{target}: a corpus folder, not a build's output folder (no {TM_NAME}): build it first,"
                         f" `tmpipe build {target} -o OUT`, then give OUT")
    raise InputError(f"{target}: no {TM_NAME} here: give a build's output folder (tmpipe build -o OUT) or a TM file")


def no_pairs_message(corpora: Sequence[Path | Root], summary: dict[str, Any]) -> str:
    """What a build that found no pair says: what tmpipe reads, and what to do with other articles."""
    where = ", ".join(str(root.path if isinstance(root, Root) else root) for root in corpora)
    found = (f"{summary['occurrences']} data-ttu-id occurrences, none of them a readable pair (see tmpipe extract)"
             if summary["occurrences"] else "no data-ttu-id span")
    return (f"{where}: no segment pairs found in {summary['files']} article(s): {found}. tmpipe reads the"
            " side-by-side span pairs (<span data-ttu-id=…> next to its sxs-lookup twin) of Microsoft Docs"
            " localized repositories' live-sxs branches (2018–2021); for localized articles without spans, give"
            " their English with --align-with EN_DIR. No TM was written.")


def qa_settings(english: Path | None, baseline: Path | None, config: Path | None,
                corpus_root: str | None) -> dict[str, str | None]:
    """The QA inputs of a build as absolute paths (its manifest's ``qa``): ``tmpipe qa OUT`` uses
    them unless given again (:func:`recorded_qa_inputs`)."""
    def absolute(path: Path | str | None) -> str | None:
        return str(Path(path).resolve()) if path else None
    return {"english": absolute(english), "baseline": absolute(baseline), "config": absolute(config),
            "corpus_root": absolute(corpus_root)}


#: The inputs of ``tmpipe qa`` a build records (``qa`` in its manifest) and ``qa`` takes from it.
QA_INPUTS = ("english", "baseline", "config")


def recorded_qa_inputs(manifest: Path, given: dict[str, Path | None]) -> dict[str, Any]:
    """The QA inputs the build that wrote ``manifest`` used and that are not ``given`` again
    (``english``, ``baseline``, ``config`` as paths), and its ``corpus_root``; empty without a
    manifest.  A recorded input that is gone is an error."""
    try:
        data = json.loads(Path(manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    recorded = data.get("qa") if isinstance(data, dict) else None
    if not isinstance(recorded, dict):
        return {}
    found: dict[str, Any] = {"corpus_root": recorded.get("corpus_root")}
    for key in QA_INPUTS:
        value = recorded.get(key)
        if not value or given.get(key) is not None:
            continue
        if not Path(value).exists():
            raise InputError(f"{manifest}: the build used --{key} {value}, which is gone: give --{key} again,"
                             " or --ignore-build-settings")
        found[key] = Path(value)
    return found


def build_summary(manifest: dict[str, Any], out: Path) -> list[str]:
    """The closing lines of ``tmpipe build``: counts that add up, where things went, what to do next."""
    ext = manifest["extraction"]
    run = ext["run"]
    lines = [f"articles: {ext['files']} ({run['extracted']} extracted, {run['unchanged']} unchanged,"
             f" {run['removed']} removed)",
             f"occurrences = pairs + occurrences in anomalies: {ext['occurrences']:,} = {ext['pairs']:,}"
             f" + {ext.get('occurrences_in_anomalies', 0):,}"]
    for locale, row in ext["by_locale"].items():
        lines.append(f"  {locale:<10} files {row['files']:>6,}  pairs {row['pairs']:>8,}  units {row['units']:>8,}"
                     f"  MT only {row.get('mt_units', 0):>8,}  anomalies {row['anomalies']:>5,}")
    if ext["anomalies_by_kind"]:
        lines.append(f"anomalies by kind ({sum(ext['anomalies_by_kind'].values()):,}): "
                     + ", ".join(f"{k} {v:,}" for k, v in ext["anomalies_by_kind"].items()))
    borrowed = ext.get("locale_from", {})
    taken = {k: v for k, v in borrowed.items() if k != "none"}
    if taken:
        lines.append(f"articles without a locale of their own: {sum(taken.values()):,} took their corpus root's ("
                     + ", ".join(f"{v:,} from its {k}" for k, v in taken.items()) + ")")
    if borrowed.get("none"):
        lines.append(f"articles without a locale of their own: {borrowed['none']:,} are `und`, nothing names"
                     " theirs: give --locale TAG")
    if run.get("not_articles"):
        lines.append(f"not articles: {run['not_articles']:,} Markdown file(s) with no locale, no span pair and no"
                     " front matter (a README, a TOC), left out")
    lines.extend(_mt_lines(manifest))
    lines.extend(_qa_lines(manifest, out))
    tasks = manifest.get("tasks", {})
    lines.append(f"outputs: {len(manifest['outputs'])} files listed in {Path(out) / MANIFEST}"
                 f" ({tasks.get('run', 0)} tasks run, {tasks.get('reused', 0)} unchanged and kept)")
    return lines


def _mt_lines(manifest: dict[str, Any]) -> list[str]:
    ext = manifest["extraction"]
    if not ext.get("mt_units"):
        return []
    share = f"{ext['mt_units']:,} of {ext['units']:,} units are machine translation in every occurrence"
    tmx = [o for o in manifest["outputs"] if o.get("format") == "tmx"]
    if any(o.get("mt") for o in tmx):
        return [f"machine translation: {share}; they are in tmx/mt/ (--split-mt), apart from the human ones"]
    if tmx:
        return [f"machine translation: {share}; they are in the main TMX files, where a CAT tool applies them as"
                " 100% matches: build with --split-mt to write them to tmx/mt/ instead"]
    return [f"machine translation: {share}"]


def _qa_lines(manifest: dict[str, Any], out: Path) -> list[str]:
    reports = [o for o in manifest["outputs"] if o.get("path", "").startswith("qa/") and "by_severity" in o]
    lines = []
    coverage = manifest.get("qa", {}).get("english_coverage")
    if coverage:
        lines.append(f"english: {coverage['matched']:,} of {coverage['articles']:,} articles matched in"
                     f" {coverage['english']}" + (f"; {len(coverage['unmatched']):,} unmatched (source-drift infos"
                                                  " in the QA reports)" if coverage["unmatched"] else ""))
    if reports:
        counts = reports[0]["by_severity"]
        main = next((o for o in reports if o["format"] == "qa-html"), reports[0])
        lines.append(f"QA: {counts.get('error', 0):,} errors, {counts.get('warning', 0):,} warnings,"
                     f" {counts.get('info', 0):,} infos: {Path(out) / main['path']}"
                     + (f" (and {', '.join(Path(o['path']).name for o in reports if o is not main)})"
                        if len(reports) > 1 else "")
                     + "; gate CI with `tmpipe qa OUT --fail-on error`")
    return lines
