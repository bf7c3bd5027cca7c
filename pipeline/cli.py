"""``tmpipe``: thin click verbs over the Python API.

Exit codes: 0 success; 1 QA gate reached; 2 bad input or arguments; 3 output
cannot be written; 130 interrupted.
"""

from __future__ import annotations

import functools
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, core
from .build import DEFAULT_FORMATS, TM_NAME, BuildOptions, build, export, extract_source, sources
from .engine import ENGINES
from .__main__ import INTERRUPTED
from .errors import Interrupted, TmpipeError
from .export import EXPORTERS, ExportOptions, get_exporter
from .qa import CHECKS, SEVERITIES, QaResult, load_config, run_qa
from .report import DEFAULT_REPORTS, get_report
from .store import open_store

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn tmpipe errors into one line on stderr and an exit code; Ctrl-C into 130."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            result = func(*args, **kwargs)
            # The work is done and committed: a Ctrl-C now (during interpreter shutdown, when Python
            # has put back the default handler) would only kill the process without a word.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            return result
        except TmpipeError as exc:
            click.echo(f"tmpipe: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            click.echo(f"tmpipe: interrupted; {exc}" if isinstance(exc, Interrupted) else INTERRUPTED, err=True)
            sys.exit(130)
    return wrapper


def corpus_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("corpus", nargs=-1, required=True,
                          type=click.Path(path_type=Path))(func)


def export_switches(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--split-mt`` and ``--multilingual``, shared by ``build`` and ``export``."""
    func = click.option("--multilingual", is_flag=True, help="Also write one TMX across all target locales.")(func)
    return click.option("--split-mt", is_flag=True,
                        help="Write machine-translated units to separate files.")(func)


def qa_inputs(func: Callable[..., Any]) -> Callable[..., Any]:
    """The QA options ``build`` and ``qa`` share: --english, --baseline, --config."""
    func = click.option("--config", "config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        help="QA settings (tmpipe.toml; default: ./tmpipe.toml when it exists).")(func)
    func = click.option("--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                        metavar="TM", help="An earlier tm.sqlite: report segments changed since (version-drift).")(func)
    return click.option("--english", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR",
                        help="Current English articles: report drifted sources (source-drift).")(func)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="tmpipe", message=f"%(prog)s %(version)s (core: {core.describe()})")
def main() -> None:
    """Translation memories, exports and QA from side-by-side localized Markdown."""


@main.command(context_settings=CONTEXT)
@corpus_argument
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("exports"),
              show_default=True, help="Output directory (tm.sqlite, manifest.json, exports).")
@click.option("-j", "--jobs", type=click.IntRange(1), default=1, show_default=True,
              help="Worker processes for extraction and for writing the exports and QA reports.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Run extraction in local processes or as dask.distributed tasks.")
@click.option("--scheduler", metavar="ADDRESS",
              help="dask scheduler address (tcp://host:8786); without it --engine dask starts a LocalCluster.")
@click.option("-f", "--format", "formats", multiple=True, metavar="NAME",
              help=f"Export format (repeatable). Default: {', '.join(DEFAULT_FORMATS)}.")
@click.option("--source-locale", default="en-US", show_default=True, help="Language of the English twins.")
@export_switches
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@qa_inputs
@click.option("--no-qa", is_flag=True, help="Skip the QA checks and reports.")
@handle_errors
def build_cmd(corpus: tuple[Path, ...], out: Path, jobs: int, engine: str, scheduler: str | None,
              formats: tuple[str, ...],
              source_locale: str, split_mt: bool, multilingual: bool, quiet: bool,
              english: Path | None = None, baseline: Path | None = None, config: Path | None = None,
              no_qa: bool = False) -> None:
    """Extract every segment pair of CORPUS into OUT/tm.sqlite and write the exports.

    Re-running is incremental: only articles whose content changed are re-extracted.
    QA reports go to OUT/qa/ and are listed in manifest.json; findings never fail a
    build (gate with `tmpipe qa --fail-on`).

    \b
    Example:
      tmpipe build corpus -o exports
      tmpipe build fr-FR/ ja-JP/ -o out --jobs 2 -f tmx -f po
      tmpipe build corpus -o out --engine dask --scheduler tcp://scheduler:8786
    """
    options = BuildOptions(jobs=jobs, engine=engine, scheduler=scheduler,
                           formats=formats or DEFAULT_FORMATS, source_locale=source_locale,
                           export=ExportOptions(split_mt=split_mt, multilingual=multilingual),
                           qa=not no_qa, qa_config=config, english=english, baseline=baseline)
    for name in options.formats:
        get_exporter(name)  # an unknown name fails before any work
    if quiet or not sys.stderr.isatty():
        manifest = build(list(corpus), out, options)
    else:
        total = sum(1 for _ in sources(list(corpus)))
        with click.progressbar(length=total, label="extracting", file=sys.stderr) as bar:
            manifest = build(list(corpus), out, options, progress=bar.update)
    if not quiet:
        _print_summary(manifest)


build_cmd.name = "build"


def _print_summary(manifest: dict[str, Any]) -> None:
    ext = manifest["extraction"]
    run = ext["run"]
    click.echo(f"articles: {ext['files']} ({run['extracted']} extracted, {run['unchanged']} unchanged,"
               f" {run['removed']} removed)")
    click.echo(f"occurrences = pairs + anomalies: {ext['occurrences']} = {ext['pairs']} + {ext['anomalies']}")
    for locale, row in ext["by_locale"].items():
        click.echo(f"  {locale:<10} files {row['files']:>6}  pairs {row['pairs']:>8}  units {row['units']:>8}"
                   f"  anomalies {row['anomalies']:>5}")
    if ext["anomalies_by_kind"]:
        click.echo("anomalies by kind: " + ", ".join(f"{k} {v}" for k, v in ext["anomalies_by_kind"].items()))
    tasks = manifest.get("tasks", {})
    click.echo(f"outputs: {len(manifest['outputs'])} files listed in manifest.json"
               f" ({tasks.get('run', 0)} tasks run, {tasks.get('reused', 0)} unchanged and kept)")


@main.command(context_settings=CONTEXT)
@corpus_argument
@click.option("--json", "as_json", is_flag=True, help="One JSON object per pair/anomaly (JSON Lines).")
@handle_errors
def extract(corpus: tuple[Path, ...], as_json: bool) -> None:
    """Extract segment pairs and anomalies from CORPUS and print them (no TM is written).

    \b
    Example:
      tmpipe extract corpus/fr-FR/unable-to-sign-in.md
      tmpipe extract corpus --json | jq -c 'select(.kind)'
    """
    for source in sources(list(corpus)):
        doc = extract_source(source)
        assert not isinstance(doc, str)
        path = source.rel
        for pair in doc.pairs:
            if as_json:
                click.echo(json.dumps({"file": path, "line": pair.line, "id": pair.id, "locale": doc.meta.locale,
                                       "source": pair.source.raw, "target": pair.target.raw},
                                      ensure_ascii=False))
            else:
                click.echo(f"{path}:{pair.line}: {pair.id}\t{pair.source.text}\t{pair.target.text}")
        for anomaly in doc.anomalies:
            if as_json:
                click.echo(json.dumps({"file": path, "line": anomaly.line, "kind": anomaly.kind,
                                       "message": anomaly.message, "snippet": anomaly.snippet},
                                      ensure_ascii=False))
            else:
                click.echo(f"{path}:{anomaly.line}: {anomaly.kind}: {anomaly.message}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("out", type=click.Path(path_type=Path), default=Path("exports"))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@handle_errors
def stats(out: Path, as_json: bool) -> None:
    """Print counts per locale of the TM in OUT (a build directory or a tm.sqlite file).

    \b
    Example:
      tmpipe stats exports
    """
    store = open_store(out / TM_NAME if out.is_dir() else out, readonly=True)
    try:
        summary = store.summary()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'locale':<10} {'files':>6} {'occurrences':>12} {'pairs':>8} {'anomalies':>9} {'units':>8}")
    for locale, row in summary["by_locale"].items():
        click.echo(f"{locale:<10} {row['files']:>6} {row['occurrences']:>12} {row['pairs']:>8}"
                   f" {row['anomalies']:>9} {row['units']:>8}")
    click.echo(f"{'total':<10} {summary['files']:>6} {summary['occurrences']:>12} {summary['pairs']:>8}"
               f" {summary['anomalies']:>9} {summary['units']:>8}")


@main.command("export", context_settings=CONTEXT)
@click.option("--tm", type=click.Path(path_type=Path), default=Path("exports") / TM_NAME, show_default=True,
              help="The translation memory to export (a tm.sqlite, or a build directory).")
@click.option("-f", "--format", "formats", multiple=True, metavar="NAME", required=True,
              help="Export format (repeatable); see tmpipe formats.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output directory; its manifest.json lists the files written.")
@export_switches
@handle_errors
def export_cmd(tm: Path, formats: tuple[str, ...], out: Path, split_mt: bool, multilingual: bool) -> None:
    """Write export formats from an existing TM without re-reading the corpus.

    \b
    Example:
      tmpipe export --tm exports/tm.sqlite --format tmx -o handoff
      tmpipe export --tm exports --format tmx --split-mt --multilingual -o omegat-tm
    """
    manifest = export(tm / TM_NAME if tm.is_dir() else tm, out, formats,
                      ExportOptions(split_mt=split_mt, multilingual=multilingual))
    written = [o for o in manifest["outputs"] if o["format"] in formats]
    for output in written:
        click.echo(f"{output['path']}\t{output['format']}\t{output['units']} units")


@main.command("qa", context_settings=CONTEXT)
@click.argument("target", metavar="OUT_OR_TM", type=click.Path(exists=True, path_type=Path), default=Path("exports"))
@qa_inputs
@click.option("--suppress", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE",
              help="Baseline of accepted findings (from --write-baseline): report only new ones.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Accept every current finding: write their fingerprints to FILE (exit 0).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Exit 1 when a new finding is this severe or worse.")
@click.option("--max", "limits", multiple=True, metavar="CHECK=N",
              help="Exit 1 when CHECK has more than N new findings (repeatable).")
@click.option("-f", "--format", "formats", multiple=True, metavar="NAME",
              help=f"Report format (repeatable). Default: {', '.join(DEFAULT_REPORTS)}.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the gate result.")
@handle_errors
def qa(target: Path, english: Path | None, baseline: Path | None, config: Path | None, suppress: Path | None,
       write_baseline: Path | None, fail_on: str | None, limits: tuple[str, ...], formats: tuple[str, ...],
       quiet: bool) -> None:
    """Check the TM in OUT_OR_TM (a build directory or a tm.sqlite) and write reports to OUT/qa/.

    Reports: qa.json, junit.xml, qa.sarif, qa.md, qa.html. Exit status 1 when a gate
    (--fail-on, --max, or fail_on/max in tmpipe.toml) is reached, else 0.

    \b
    Example:
      tmpipe qa exports --fail-on error
      tmpipe qa exports --english ../docs-en/articles --max untranslated=0
      tmpipe qa exports --write-baseline qa-baseline.json
      tmpipe qa exports --suppress qa-baseline.json --fail-on warning
    """
    from .errors import ConfigError
    settings = load_config(config)
    gates = dict(settings.max)
    for limit in limits:
        name, _, count = limit.partition("=")
        if name not in CHECKS or not count.isdigit():
            raise ConfigError(f"--max {limit}: expected CHECK=N with CHECK one of: {', '.join(CHECKS)}")
        gates[name] = int(count)
    for name in formats:
        get_report(name)
    tm = target / TM_NAME if target.is_dir() else target
    store = open_store(tm, readonly=True)
    try:
        result = run_qa(store, tm.parent, settings, english=english, baseline=baseline, suppress=suppress,
                        formats=formats or None, write_baseline=write_baseline)
    finally:
        store.close()
    reasons = [] if write_baseline else result.gate(fail_on or settings.fail_on, gates)  # type: ignore[arg-type]
    if not quiet:
        _print_qa(result, write_baseline)
    for reason in reasons:
        click.echo(f"tmpipe: QA gate reached: {reason}", err=True)
    if reasons:
        sys.exit(1)


def _print_qa(result: QaResult, write_baseline: Path | None) -> None:
    s = result.summary
    for check_id, row in s["by_check"].items():
        if check_id in s["checks_run"]:
            click.echo(f"  {check_id:<20} {row['count']:>6}  ({row['by_severity']['error']} error,"
                       f" {row['by_severity']['warning']} warning, {row['by_severity']['info']} info"
                       + (f", {row['suppressed']} suppressed)" if row["suppressed"] else ")"))
    click.echo(f"findings: {s['findings']} new, {s['suppressed']} suppressed; reports: "
               + ", ".join(o.path for o in result.outputs))
    if write_baseline:
        click.echo(f"baseline: {s.get('baseline_written', 0)} fingerprints written to {write_baseline}")


@main.command("formats", context_settings=CONTEXT)
def list_formats() -> None:
    """List the export formats.

    \b
    Example:
      tmpipe formats
    """
    for name in sorted(EXPORTERS):
        click.echo(name)
