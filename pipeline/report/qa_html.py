"""``qa-html``: one self-contained HTML page for reviewers.

Totals per severity, inline SVG bar charts of findings per locale and per check
(stacked by severity), a histogram of source-drift similarity, a locale × check
table, drift per file, and a filterable table of findings with source and
target side by side and the drift word diff highlighted.  No external
resource: the style and the small filter script are inlined.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape
from typing import Any

from ..qa.findings import SEVERITIES, Finding
from .qa_html_assets import CSS, SCRIPT
from .registry import Report, ReportContext, register

__all__ = ["QA_HTML", "bar_chart", "histogram"]

_MAX_ROWS = 20000


def bar_chart(rows: Sequence[tuple[str, dict[str, int]]], width: int = 520, label_width: int = 150) -> str:
    """Horizontal bars stacked by severity, one per ``(label, {severity: count})``, as inline SVG."""
    bar, gap = 18, 6
    height = max(len(rows), 1) * (bar + gap) + 10
    top = max([sum(counts.values()) for _, counts in rows] + [1])
    scale = (width - label_width - 60) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">']
    for i, (label, counts) in enumerate(rows):
        y = 5 + i * (bar + gap)
        parts.append(f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        x = float(label_width)
        for severity in SEVERITIES:
            n = counts.get(severity, 0)
            if n:
                w = max(n * scale, 1.5)
                parts.append(f'<rect class="{severity}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" rx="2">'
                             f'<title>{escape(label)}: {n} {severity}</title></rect>')
                x += w
        parts.append(f'<text x="{x + 5:.1f}" y="{y + 13}">{sum(counts.values())}</text>')
    if not rows:
        parts.append('<text x="10" y="18">no findings</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(bins: Sequence[int], width: int = 520, height: int = 200) -> str:
    """Vertical bars of counts per similarity tenth (0–0.1 … 0.9–1), as inline SVG."""
    top = max(list(bins) + [1])
    left, bottom, plot_h = 34, 30, height - 50
    step = (width - left - 10) / len(bins)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">',
             f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}"/>']
    for i, n in enumerate(bins):
        h = n / top * plot_h
        x = left + i * step
        parts.append(f'<rect class="bin" x="{x + 2:.1f}" y="{height - bottom - h:.1f}" width="{step - 4:.1f}" '
                     f'height="{h:.1f}"><title>similarity {i / 10:.1f}–{(i + 1) / 10:.1f}: {n}</title></rect>')
        if n:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom - h - 4:.1f}" '
                         f'text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">'
                     f'{i / 10:.1f}</text>')
    parts.append(f'<text x="{width / 2:.0f}" y="{height - 2}" text-anchor="middle">similarity of the old source '
                 f'to the closest current English sentence</text></svg>')
    return "".join(parts)


def _diff_html(ops: list[list[str]]) -> str:
    """The word diff as HTML: ``<del>`` for old words, ``<ins>`` for new ones, spaced apart."""
    out: list[str] = []
    last = ""
    for op, text in ops:
        if last and not last[-1].isspace() and text[:1].isalnum():
            out.append(" ")  # "project" + deleted "to invoice" must not read "projectto invoice"
        out.append(f"<del>{escape(text)}</del>" if op == "-" else f"<ins>{escape(text)}</ins>" if op == "+"
                   else escape(text))
        last = text
    return "".join(out)


def _row(f: Finding) -> str:
    where = f"{f.file}:{f.line}" if f.line else f.file
    detail = ""
    if f.source or f.target:
        detail = (f'<div class="pair"><div><span class="label">source</span>{escape(f.source)}</div>'
                  f'<div><span class="label">target ({escape(f.locale)})</span>{escape(f.target)}</div></div>')
    if f.extra.get("diff"):
        detail += (f'<div class="diff"><span class="label">English now (similarity '
                   f'{f.extra.get("similarity", 0):.2f})</span> {_diff_html(f.extra["diff"])}</div>')
    elif f.extra.get("variants"):
        other = "target" if "target" in f.extra["variants"][0] else "source"
        items = "".join(f"<li>“{escape(v[other])}” ×{v['count']} <span class='where'>"
                        f"{escape(', '.join(v['where'][:3]))}</span></li>" for v in f.extra["variants"])
        detail += f'<ul class="variants">{items}</ul>'
    return (f'<tr data-check="{escape(f.check)}" data-locale="{escape(f.locale)}" data-severity="{f.severity}">'
            f'<td><span class="sev {f.severity}">{f.severity}</span></td><td>{escape(f.check)}</td>'
            f'<td>{escape(f.locale)}</td><td class="where">{escape(where)}'
            f'{"<br>" + escape(f.id) if f.id else ""}</td><td>{escape(f.message)}{detail}</td></tr>')


def _options(values: Sequence[str], label: str) -> str:
    return f'<option value="">all {label}</option>' + "".join(
        f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)


def _matrix(s: dict[str, Any]) -> str:
    checks = [c for c in s["checks_run"] if s["by_check"][c]["count"]]
    if not checks:
        return '<p class="note">No new findings.</p>'
    head = "".join(f'<th class="n">{escape(c)}</th>' for c in checks)
    body = []
    for locale, counts in s["by_locale"].items():
        cells = "".join(
            f'<td class="n"><a href="#findings" data-filter-check="{escape(c)}" data-filter-locale="{escape(locale)}">'
            f'{counts[c]}</a></td>' if counts.get(c) else '<td class="n zero">0</td>' for c in checks)
        body.append(f"<tr><th>{escape(locale)}</th>{cells}<td class='n'><b>{sum(counts.values())}</b></td></tr>")
    totals = "".join(f'<td class="n"><b>{s["by_check"][c]["count"]}</b></td>' for c in checks)
    return (f'<div class="scroll"><table class="matrix"><thead><tr><th>locale</th>{head}<th class="n">total</th></tr></thead>'
            f'<tbody>{"".join(body)}<tr><th>total</th>{totals}<td class="n"><b>{s["findings"]}</b></td></tr>'
            f'</tbody></table></div>')


def _drift(s: dict[str, Any]) -> str:
    drift = s.get("source_drift")
    if not drift:
        return ""
    rows = "".join(
        f"<tr><td class='where'>{escape(path)}</td><td>{escape(f['locale'])}</td><td class='n'>{f['drifted']}</td>"
        f"<td class='n'>{f['segments']}</td><td class='where'>{escape(f['english'] or '(no English match)')}</td>"
        f"<td>{'' if f['changed_since_translation'] is None else ('yes' if f['changed_since_translation'] else 'no')}"
        f"</td></tr>" for path, f in sorted(drift["files"].items(),
                                             key=lambda item: (-item[1]["drifted"], item[1]["english"] is not None,
                                                               item[0])))
    return (f"<h2>Source drift per file</h2><p>{drift['drifted']} of {drift['segments']} segments drifted in "
            f"{drift['files_with_drift']} of {len(drift['files'])} files, against "
            f"<code>{escape(drift['english'])}</code>.</p>"
            f"<div class='scroll'><table><thead><tr><th>file</th><th>locale</th><th class='n'>drifted</th>"
            f"<th class='n'>segments</th><th>English article</th><th>changed since translation (git)</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></div>")


def _head(ctx: ReportContext) -> str:
    """The page up to the findings table's rows."""
    s = ctx.summary
    sev = s["by_severity"]
    cards = "".join(f'<div class="card {k}"><b>{sev[k]}</b>{k}</div>' for k in SEVERITIES)
    cards += f'<div class="card"><b>{s["suppressed"]}</b>suppressed</div>'
    by_locale = list(s["by_locale_severity"].items())
    by_check = [(c, s["by_check"][c]["by_severity"]) for c in s["checks_run"] if s["by_check"][c]["count"]]
    legend = "".join(f'<span><i style="background:var(--{k})"></i>{k}</span>' for k in SEVERITIES)
    charts = (f'<figure><figcaption>Findings per locale</figcaption><div class="legend">{legend}</div>'
              f'{bar_chart(by_locale)}</figure>'
              f'<figure><figcaption>Findings per check</figcaption><div class="legend">{legend}</div>'
              f'{bar_chart(by_check, label_width=170)}</figure>')
    if s.get("source_drift"):
        charts += (f'<figure><figcaption>Source drift: similarity distribution</figcaption>'
                   f'{histogram(s["source_drift"]["similarity_histogram"])}</figure>')
    shown_findings = ctx.findings[:_MAX_ROWS]
    shown = len(shown_findings)
    shown_checks = {f.check for f in shown_findings}
    shown_locales = {f.locale for f in shown_findings}
    listed = len(ctx.findings)
    more = (f'<p class="note">{listed - shown} more findings are in qa.json.</p>' if listed > shown else "")
    truncated = "".join(f'<p class="note">{n} more {escape(c)} findings were counted but not kept '
                        f'(max_findings).</p>' for c, n in s["truncated"].items())
    checks = sorted(shown_checks, key=list(ctx.checks).index)
    locales = sorted(shown_locales)
    sig = ctx.signature
    skipped = "; ".join(f"{k}: {v}" for k, v in s["checks_skipped"].items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tmpipe QA report</title>
<link rel="icon" href="data:,">
<style>{CSS}</style></head>
<body><header><h1>tmpipe QA report</h1>
<div class="sig">tmpipe {escape(str(sig.get('version', '')))} · input {escape(str(sig.get('input', ''))[:16])} ·
checks run: {escape(', '.join(s['checks_run']))}{' · not run: ' + escape(skipped) if skipped else ''}</div>
<div class="cards">{cards}</div></header>
<main><h2>Charts</h2><div class="charts">{charts}</div>
<h2>Findings per locale and check</h2>{_matrix(s)}
{_drift(s)}
<h2>Findings</h2>
<div class="filters"><select id="f-check" aria-label="check">{_options(checks, 'checks')}</select>
<select id="f-locale" aria-label="locale">{_options(locales, 'locales')}</select>
<select id="f-severity" aria-label="severity">{_options(list(SEVERITIES), 'severities')}</select>
<input id="f-text" type="search" placeholder="filter by text, file, id…" aria-label="text">
<span id="f-count" class="note"></span></div>{more}{truncated}
<table id="findings"><thead><tr><th>severity</th><th>check</th><th>locale</th><th>where</th><th>finding</th></tr>
</thead><tbody>
"""


_END = f"""
</tbody></table></main>
<script>{SCRIPT}</script></body></html>
"""


def render_html(ctx: ReportContext) -> Iterator[str]:
    """The whole page: the head, then the rows of the first findings listed (most severe first)."""
    yield _head(ctx)
    findings = ctx.findings[:_MAX_ROWS]
    for at in range(0, len(findings), 1024):
        yield "".join(_row(f) for f in findings[at:at + 1024])
    yield _END


QA_HTML = register(Report("qa-html", "qa.html", "qa/qa.html: one self-contained page with charts, a filterable table and word diffs",
                          render_html))
