"""``qa-markdown``: a short Markdown summary for a CI job summary (``$GITHUB_STEP_SUMMARY``)."""

from __future__ import annotations

from collections.abc import Iterator

from ..qa.findings import SEVERITIES
from .registry import Report, ReportContext, register

__all__ = ["QA_MARKDOWN", "render_markdown"]

_ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}


def _cell(text: str, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return text.replace("|", "\\|").replace("<", "&lt;")


def render_markdown(ctx: ReportContext, top: int = 15) -> str:
    """The summary as Markdown text."""
    s = ctx.summary
    sev = s["by_severity"]
    lines = ["## tmpipe QA", "",
             f"**{s['findings']}** new finding(s): {_ICON['error']} {sev['error']} error, "
             f"{_ICON['warning']} {sev['warning']} warning, {_ICON['info']} {sev['info']} info"
             + (f"; {s['suppressed']} suppressed by the baseline" if s["suppressed"] else "") + ".", "",
             "| check | default | error | warning | info | suppressed | what it finds |",
             "|---|---|---:|---:|---:|---:|---|"]
    for check_id, meta in s["by_check"].items():
        if check_id in s["checks_run"]:
            counts = " | ".join(str(meta["by_severity"].get(severity, 0)) for severity in SEVERITIES)
            lines.append(f"| `{check_id}` | {meta['severity']} | {counts} | {meta['suppressed']} |"
                         f" {_cell(meta['title'])} |")
    if s["checks_skipped"]:
        lines += ["", "Not run: " + ", ".join(f"`{k}` ({v})" for k, v in s["checks_skipped"].items()) + "."]
    run = [c for c in s["checks_run"] if any(s["by_locale"].get(loc, {}).get(c) for loc in s["by_locale"])]
    if s["by_locale"] and run:
        lines += ["", "### Per locale", "", "| locale | " + " | ".join(f"`{c}`" for c in run) + " |",
                  "|---|" + "---:|" * len(run)]
        for locale, counts in s["by_locale"].items():
            lines.append(f"| {locale} | " + " | ".join(str(counts.get(c, 0)) for c in run) + " |")
    drift = s.get("source_drift")
    if drift:
        lines += ["", f"### Source drift against `{drift['english']}`", "",
                  f"{drift['drifted']} of {drift['segments']} segments drifted in "
                  f"{drift['files_with_drift']} of {len(drift['files'])} files.", ""]
        drifted = [(p, f) for p, f in drift["files"].items() if f["drifted"] or f["english"] is None]
        if drifted:
            lines += ["| file | drifted | segments | English |", "|---|---:|---:|---|"]
            for path, f in drifted[:50]:
                lines.append(f"| `{_cell(path, 120)}` | {f['drifted']} | {f['segments']} |"
                             f" {_cell(f['english'] or '(no match)', 80)} |")
            if len(drifted) > 50:
                lines.append(f"| … {len(drifted) - 50} more | | | |")
    worst = list(ctx.findings[:top])  # most severe first
    if worst:
        lines += ["", f"### First {len(worst)} finding(s), most severe first", "",
                  "| where | check | source | target | message |", "|---|---|---|---|---|"]
        for f in worst:
            where = f"{f.file}:{f.line}" if f.line else f.file
            lines.append(f"| {_ICON[f.severity]} `{_cell(where, 100)}` | {f.check} | {_cell(f.source, 60)} |"
                         f" {_cell(f.target, 60)} | {_cell(f.message)} |")
    lines += ["", f"<sub>tmpipe {ctx.signature.get('version', '')} · input "
              f"{ctx.signature.get('input', '')[:12]} · full details in qa.html / qa.json</sub>", ""]
    return "\n".join(lines)


QA_MARKDOWN = register(Report("qa-markdown", "qa.md", "qa/qa.md: counts per check and severity, for a CI job summary",
                              lambda ctx: iter([render_markdown(ctx)])))
