"""The stylesheet and script inlined into ``qa.html`` (no external resources)."""

from __future__ import annotations

__all__ = ["CSS", "SCRIPT"]

CSS = """
:root { --error: #c62828; --warning: #ef8f00; --info: #1e6fd9; --ink: #1d2330; --muted: #5f6b7a;
        --line: #dde3ea; --bg: #f6f8fa; --del: #ffd7d5; --ins: #cdf5d3; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       color: var(--ink); background: #fff; }
header { padding: 18px 28px; background: var(--bg); border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header .sig { color: var(--muted); font-size: 12px; }
main { padding: 8px 28px 40px; }
h2 { font-size: 17px; margin: 26px 0 10px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; background: #fff; min-width: 120px; }
.card b { display: block; font-size: 24px; }
.card.error b { color: var(--error); } .card.warning b { color: var(--warning); } .card.info b { color: var(--info); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: #fff; }
figcaption { font-weight: 600; margin-bottom: 6px; }
figure svg { width: 100%; height: auto; display: block; }
.scroll { overflow-x: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg .error { fill: var(--error); } svg .warning { fill: var(--warning); } svg .info { fill: var(--info); }
svg .bin { fill: #6a5acd; } svg .axis { stroke: var(--line); }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); position: sticky; top: 0; z-index: 1; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.matrix td.zero { color: #b8c0c8; }
.filters { display: flex; gap: 10px; flex-wrap: wrap; align-items: center; margin: 8px 0 12px; }
.filters select, .filters input { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; }
.filters input { min-width: 260px; }
.sev { display: inline-block; padding: 0 6px; border-radius: 10px; color: #fff; font-size: 12px; }
.sev.error { background: var(--error); } .sev.warning { background: var(--warning); } .sev.info { background: var(--info); }
.where { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin-top: 4px; }
.pair div { background: var(--bg); border-radius: 6px; padding: 4px 8px; white-space: pre-wrap; word-break: break-word; }
.pair .label { display: block; color: var(--muted); font-size: 11px; text-transform: uppercase; }
.diff { margin-top: 4px; background: #fffbe6; border-radius: 6px; padding: 4px 8px; }
del { background: var(--del); text-decoration: line-through; } ins { background: var(--ins); text-decoration: none; }
tr.hidden { display: none; }
.note { color: var(--muted); font-size: 12px; }
"""

SCRIPT = """
(function () {
  'use strict';
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  var controls = ['f-check', 'f-locale', 'f-severity', 'f-text'].map(function (id) {
    return document.getElementById(id);
  });
  var counter = document.getElementById('f-count');
  function apply() {
    var check = controls[0].value, locale = controls[1].value, severity = controls[2].value;
    var text = controls[3].value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!check || row.dataset.check === check) && (!locale || row.dataset.locale === locale) &&
               (!severity || row.dataset.severity === severity) &&
               (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.classList.toggle('hidden', !ok);
      if (ok) { shown += 1; }
    });
    counter.textContent = shown + ' of ' + rows.length + ' shown';
  }
  controls.forEach(function (control) { control.addEventListener('input', apply); });
  document.querySelectorAll('[data-filter-check]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      event.preventDefault();
      controls[0].value = link.getAttribute('data-filter-check');
      controls[1].value = link.getAttribute('data-filter-locale') || '';
      apply();
      document.getElementById('findings').scrollIntoView();
    });
  });
  apply();
})();
"""
