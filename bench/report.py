"""Ratios, targets and the printed table of a bench run."""

from __future__ import annotations

from typing import Any

__all__ = ["PROBES", "RUNS", "TARGETS", "evaluate", "render"]

#: The runs, in the order they are made.  ``pure-j2`` is ``tmpipe-j2`` on the pure-Python core
#: (``TMPIPE_PURE=1``) into its own folder.  The last three rebuild ``tmpipe-j2``'s output: with
#: nothing changed, after 1% of the articles changed across every locale, after 1% changed in fr-FR only.
RUNS = ("floor", "status-quo", "tmpipe-j1", "tmpipe-j2", "pure-j2", "unchanged", "incremental", "one-locale")
#: Measurements made in process rather than as a run: ``extraction`` (``bench/extraction.py``, each core).
PROBES = ("extraction",)

#: The compiled core's targets (issue 16): name → (description, limit).  "The pure path no
#: slower than before" needs an earlier run: compare ``pure-j2`` with an older bench's build.
TARGETS: dict[str, tuple[str, float]] = {
    "tmpipe_over_floor": ("full build --jobs 2 <= 8x the floor (wall)", 8.0),
    "status_quo_over_tmpipe": ("status quo / build --jobs 2 >= 5x (wall)", 5.0),
    "extract_tm_over_floor": ("extraction + TM commit (--jobs 2) <= 2x the floor (wall)", 2.0),
    "peak_rss_mb": ("peak RSS of every tmpipe build <= 300 MB", 300.0),
    "rss_growth": ("peak RSS at the largest size <= 1.10x the smallest", 1.10),
    "incremental_over_floor": ("rebuild after 1% changed <= 2x the floor (wall)", 2.0),
    "unchanged_over_floor": ("rebuild with nothing changed <= 0.5x the floor (wall)", 0.5),
}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _wall(runs: dict[str, Any], name: str) -> float | None:
    run = runs.get(name)
    return run["wall_s"] if run and run["returncode"] == 0 else None


def _rss(runs: dict[str, Any], name: str) -> float | None:
    run = runs.get(name)
    return run["peak_rss_mb"] if run and run["returncode"] == 0 else None


def evaluate(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """Add ``ratios`` to each size; return ``{"scaling": ..., "targets": ...}`` over all sizes."""
    for size in sizes:
        runs = size["runs"]
        size["ratios"] = {
            "tmpipe_j1_over_floor": _ratio(_wall(runs, "tmpipe-j1"), _wall(runs, "floor")),
            "tmpipe_j2_over_floor": _ratio(_wall(runs, "tmpipe-j2"), _wall(runs, "floor")),
            "pure_j2_over_floor": _ratio(_wall(runs, "pure-j2"), _wall(runs, "floor")),
            "extract_tm_over_floor": _ratio(size["counts"].get("tmpipe_run", {}).get("seconds"), _wall(runs, "floor")),
            "pure_extract_tm_over_floor": _ratio(size["counts"].get("pure-j2_run", {}).get("seconds"),
                                                 _wall(runs, "floor")),
            "status_quo_over_tmpipe_j1": _ratio(_wall(runs, "status-quo"), _wall(runs, "tmpipe-j1")),
            "status_quo_over_tmpipe_j2": _ratio(_wall(runs, "status-quo"), _wall(runs, "tmpipe-j2")),
            "incremental_over_full": _ratio(_wall(runs, "incremental"), _wall(runs, "tmpipe-j2")),
            "unchanged_over_full": _ratio(_wall(runs, "unchanged"), _wall(runs, "tmpipe-j2")),
            "one_locale_over_full": _ratio(_wall(runs, "one-locale"), _wall(runs, "tmpipe-j2")),
            "incremental_over_floor": _ratio(_wall(runs, "incremental"), _wall(runs, "floor")),
            "unchanged_over_floor": _ratio(_wall(runs, "unchanged"), _wall(runs, "floor")),
        }
    scaling: dict[str, Any] = {}
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        scaling["size_ratio"] = _ratio(last["corpus"]["bytes"], first["corpus"]["bytes"])
        for name in ("floor", "status-quo", "tmpipe-j1", "tmpipe-j2"):
            scaling[f"rss_{name}"] = _ratio(_rss(last["runs"], name), _rss(first["runs"], name))
            scaling[f"wall_{name}"] = _ratio(_wall(last["runs"], name), _wall(first["runs"], name))
    targets: dict[str, Any] = {}

    def check(key: str, values: list[float | None], at_least: bool = False) -> None:
        known = [v for v in values if v is not None]
        if known:
            description, limit = TARGETS[key]
            worst = min(known) if at_least else max(known)
            met = worst >= limit if at_least else worst <= limit
            targets[key] = {"target": description, "limit": limit, "worst": worst, "met": met}

    check("tmpipe_over_floor", [s["ratios"]["tmpipe_j2_over_floor"] for s in sizes])
    check("status_quo_over_tmpipe", [s["ratios"]["status_quo_over_tmpipe_j2"] for s in sizes], at_least=True)
    check("peak_rss_mb", [_rss(s["runs"], n) for s in sizes for n in ("tmpipe-j1", "tmpipe-j2", "unchanged", "incremental", "one-locale")])
    check("rss_growth", [scaling.get(f"rss_{n}") for n in ("tmpipe-j1", "tmpipe-j2")])
    check("extract_tm_over_floor", [s["ratios"]["extract_tm_over_floor"] for s in sizes])
    check("incremental_over_floor", [s["ratios"]["incremental_over_floor"] for s in sizes])
    check("unchanged_over_floor", [s["ratios"]["unchanged_over_floor"] for s in sizes])
    return {"scaling": scaling, "targets": targets}


def _fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def render(report: dict[str, Any]) -> str:
    """The table printed at the end of a bench run."""
    lines = []
    machine = report["machine"]
    lines.append(f"tmpipe bench {report['version']} · core {report.get('core', '?')}"
                 f" · {machine['cpus']} CPUs · Python {machine['python']}"
                 f" · formats {','.join(report['options']['formats'])}"
                 f"{' · QA ' + ' '.join(report['options']['qa']) if report['options']['qa'] else ''}")
    header = (f"{'size':>8} {'run':<12} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'max1 MB':>8} {'rss+ MB':>8}"
              f" {'load':>5}  notes")
    lines.append(header)
    lines.append("-" * len(header))
    for size in report["sizes"]:
        megabytes = size["corpus"]["bytes"] / 1e6
        label = f"{megabytes:.0f} MB" if megabytes >= 10 else f"{megabytes:.2g} MB"
        counts = size["counts"]
        for name, run in size["runs"].items():
            note = "FAILED" if run["returncode"] else ""
            if name == "floor" and "floor_pairs" in counts:
                note = f"{counts['floor_pairs']} pairs"
            elif name == "status-quo" and "status-quo_pairs" in counts:
                note = f"{counts['status-quo_pairs']} pairs"
            elif name == "tmpipe-j2" and "tmpipe_pairs" in counts:
                note = f"{counts['tmpipe_pairs']} pairs, {counts['tmpipe_units']} units"
            elif name == "incremental":
                note = f"{size['corpus']['changed_files']} of {size['corpus']['files']} files changed"
            elif name == "one-locale":
                note = f"{size['corpus'].get('changed_files_one_locale', 0)} fr-FR files changed"
            elif name == "unchanged":
                note = "nothing changed"
            elif name == "pure-j2":
                note = "tmpipe-j2 on the pure-Python core"
            lines.append(f"{label:>8} {name:<12} {run['wall_s']:>8.2f} {run['cpu_s']:>8.2f}"
                         f" {run['peak_rss_mb']:>8.1f} {run['maxrss_mb']:>8.1f} {run.get('tree_rss_mb', 0):>8.1f}"
                         f" {run['load_before']:>5.1f}  {note}")
        ratios = size["ratios"]
        lines.append(f"{'':>8} ratios: tmpipe/floor j1 {_fmt(ratios['tmpipe_j1_over_floor'], '.1f', 'x')}"
                     f", j2 {_fmt(ratios['tmpipe_j2_over_floor'], '.1f', 'x')}"
                     f", pure j2 {_fmt(ratios['pure_j2_over_floor'], '.1f', 'x')}"
                     f", extraction + TM commit j2 {_fmt(ratios['extract_tm_over_floor'], '.1f', 'x')}"
                     f" (pure {_fmt(ratios['pure_extract_tm_over_floor'], '.1f', 'x')})"
                     f" · status-quo/tmpipe j1 {_fmt(ratios['status_quo_over_tmpipe_j1'], '.1f', 'x')}"
                     f", j2 {_fmt(ratios['status_quo_over_tmpipe_j2'], '.1f', 'x')}"
                     f" · rebuild/full: 1% {_fmt(ratios['incremental_over_full'], '.1%')}"
                     f", 1% of one locale {_fmt(ratios.get('one_locale_over_full'), '.1%')}"
                     f", nothing changed {_fmt(ratios.get('unchanged_over_full'), '.1%')}"
                     f" · rebuild/floor: 1% {_fmt(ratios['incremental_over_floor'], '.1f', 'x')}"
                     f", nothing changed {_fmt(ratios['unchanged_over_floor'], '.1f', 'x')}")
        for probe in size.get("extraction", {}).values():
            per_pair = probe["us_per_pair"]
            lines.append(f"{'':>8} in process, µs/pair (CPU), core {probe['core']}: floor {per_pair['floor']:.2f}"
                         f" · scan+codec {per_pair['scan']:.2f} · extract_bytes {per_pair['extract']:.2f}"
                         f" ({per_pair['extract'] / per_pair['floor']:.1f}x floor)"
                         f" · + doc_rows {per_pair['rows']:.2f} ({per_pair['rows'] / per_pair['floor']:.1f}x)")
    scaling = report["scaling"]
    if scaling:
        lines.append(f"scaling {scaling['size_ratio']:.2f}x corpus: peak RSS"
                     + "".join(f" {n} {_fmt(scaling.get(f'rss_{n}'), '.2f', 'x')}"
                               for n in ("floor", "status-quo", "tmpipe-j1", "tmpipe-j2"))
                     + "; wall" + "".join(f" {n} {_fmt(scaling.get(f'wall_{n}'), '.2f', 'x')}"
                                          for n in ("tmpipe-j1", "tmpipe-j2")))
    lines.append("targets:")
    for key, row in report["targets"].items():
        lines.append(f"  [{'met' if row['met'] else 'NOT met':>7}] {row['target']}: {row['worst']}")
    lines.append("(peak MB: max of wait4 maxrss and the sampled PSS sum over the process tree;"
                 " max1 MB: wait4 ru_maxrss, largest single process;"
                 " rss+ MB: sampled RSS sum, shared pages counted in every process;"
                 " load: 1-minute load average at the start)")
    return "\n".join(lines)
