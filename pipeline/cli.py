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
from .build import DEFAULT_FORMATS, BuildOptions, build, export
from .extraction import extract_source, sources
from .corpus import Selection
from .engine import ENGINES, cpus_available
from .errors import INTERRUPTED, ConfigError, InputError, Interrupted, TmpipeError
from .export import FORMATS, ExportOptions
from .outputs import run_qa
from .progress import Display, Silent
from .qa import CHECKS, SEVERITIES, QaResult, load_config
from .qa.inputs import input_warnings
from .report import DEFAULT_REPORTS, REPORTS, get_report
from .store import Store, open_store
from .output_folder import MANIFEST, QA_INPUTS, TM_NAME, build_summary, escape_field, recorded_qa_inputs, tm_of

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


def align_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--align-with EN_DIR``, shared by ``build`` and ``extract``."""
    return click.option("--align-with", "align_with", type=click.Path(exists=True, file_okay=False, path_type=Path),
                        metavar="EN_DIR", help="Align articles without span pairs with the English articles"
                        " in EN_DIR (read at ms.sourcegitcommit when EN_DIR is a git checkout).")(func)


def corpus_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("corpus", nargs=-1, required=True,
                          type=click.Path(path_type=Path))(func)


def corpus_selection(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--locale``, ``--include`` and ``--exclude``, shared by ``build`` and ``extract``."""
    func = click.option("--exclude", multiple=True, metavar="GLOB",
                        help="Leave out the articles and folders matching GLOB, a path inside the corpus root"
                             " matched from the right (repeatable): 'archive', 'includes/*.md'.")(func)
    func = click.option("--include", multiple=True, metavar="GLOB",
                        help="Read only the articles matching GLOB or inside a folder matching it (repeatable).")(func)
    return click.option("--locale", "locales", multiple=True, metavar="[ROOT=]TAG",
                        help="Locale of the articles that name none (no ms.contentlocale, locale folder or"
                             " suffix): for every corpus root, or ROOT=TAG for one (repeatable). Default: the"
                             " root's or an ancestor's folder name (fr-fr, docs.ja-jp), else the locale its"
                             " other articles agree on.")(func)


def _locales(values: tuple[str, ...]) -> tuple[tuple[str | None, str], ...]:
    """``--locale TAG`` (every root) and ``--locale ROOT=TAG``."""
    return tuple((root, tag) if sep else (None, value) for value in values
                 for root, sep, tag in [value.rpartition("=")])


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
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help=f"Worker processes for extraction and for writing the exports and QA reports."
                   f" Default: the CPUs available to tmpipe ({cpus_available()} here).")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Run extraction in local processes or as dask.distributed tasks.")
@click.option("--scheduler", metavar="ADDRESS",
              help="dask scheduler address (tcp://host:8786); without it --engine dask starts a LocalCluster.")
@click.option("-f", "--format", "formats", multiple=True, metavar="NAME",
              help=f"Export format or QA report (repeatable; see tmpipe formats). Default: {', '.join(DEFAULT_FORMATS)}"
                   f" and every QA report.")
@click.option("--source-locale", default="en-US", show_default=True, help="Language of the English twins.")
@export_switches
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary (warnings are still said).")
@qa_inputs
@click.option("--no-qa", is_flag=True, help="Skip the QA checks and reports.")
@corpus_selection
@align_option
@handle_errors
def build_cmd(corpus: tuple[Path, ...], out: Path, jobs: int | None, engine: str, scheduler: str | None,
              formats: tuple[str, ...],
              source_locale: str, split_mt: bool, multilingual: bool, quiet: bool,
              english: Path | None = None, baseline: Path | None = None, config: Path | None = None,
              no_qa: bool = False, locales: tuple[str, ...] = (), include: tuple[str, ...] = (),
              exclude: tuple[str, ...] = (), align_with: Path | None = None) -> None:
    """Extract every segment pair of CORPUS into OUT/tm.sqlite and write the exports.

    Re-running is incremental: only articles whose content changed are re-extracted.
    QA reports go to OUT/qa/ and are listed in manifest.json; findings never fail a
    build (gate with `tmpipe qa --fail-on`).  An output folder is never read as corpus.

    \b
    Example:
      tmpipe build corpus -o exports
      tmpipe build fr-FR/ ja-JP/ -o out --jobs 2 -f tmx -f po
      tmpipe build skype-fr -o out --locale fr-FR --exclude 'archive' --english skype-en
      tmpipe build corpus -o out --engine dask --scheduler tcp://scheduler:8786
      tmpipe build docs.fr-fr/articles -o out --align-with docs/articles
    """
    options = BuildOptions(jobs=jobs or cpus_available(), engine=engine, scheduler=scheduler,
                           formats=formats or DEFAULT_FORMATS, source_locale=source_locale,
                           export=ExportOptions(split_mt=split_mt, multilingual=multilingual),
                           qa=not no_qa, qa_config=config, english=english, baseline=baseline,
                           locales=_locales(locales), select=Selection(include, exclude), align_with=align_with)
    manifest = build(list(corpus), out, options, progress=Silent() if quiet else Display())
    if not quiet:
        for line in build_summary(manifest, out):
            click.echo(line)
    for warning in manifest.get("warnings", []):
        click.echo(f"tmpipe: warning: {warning}", err=True)


build_cmd.name = "build"


@main.command(context_settings=CONTEXT)
@corpus_argument
@click.option("--json", "as_json", is_flag=True, help="One JSON object per pair/anomaly (JSON Lines).")
@corpus_selection
@align_option
@handle_errors
def extract(corpus: tuple[Path, ...], as_json: bool, locales: tuple[str, ...] = (), include: tuple[str, ...] = (),
            exclude: tuple[str, ...] = (), align_with: Path | None = None) -> None:
    """Extract segment pairs and anomalies from CORPUS and print them (no TM is written).

    Text output is one line per pair, `path:line: id<TAB>source<TAB>target`, with
    backslash, tab, newline and carriage return inside a segment written as \\, \t, \n, \r;
    anomalies go to stderr as `path:line: kind: message`.

    \b
    Example:
      tmpipe extract corpus/fr-FR/unable-to-sign-in.md
      tmpipe extract corpus --json | jq -c 'select(.kind)'
      tmpipe extract docs.fr-fr/articles --align-with docs/articles --json
    """
    for source in sources(list(corpus), Selection(include, exclude), _locales(locales)):
        doc = extract_source(source, align_with=str(align_with) if align_with else None)
        assert not isinstance(doc, str)
        path = source.rel
        for pair in doc.pairs:
            if as_json:
                click.echo(json.dumps({"file": path, "line": pair.line, "id": pair.id, "locale": doc.meta.locale,
                                       "source": pair.source.raw, "target": pair.target.raw,
                                       "origin": pair.origin, "score": pair.score}, ensure_ascii=False))
            else:
                score = f"\t{pair.score:.2f}" if pair.score is not None else ""
                click.echo(f"{path}:{pair.line}: {pair.id}\t{escape_field(pair.source.text)}"
                           f"\t{escape_field(pair.target.text)}{score}")
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
    store = open_store(tm_of(out), readonly=True)
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
    manifest = export(tm_of(tm), out, formats,
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
@click.option("--ignore-build-settings", is_flag=True,
              help="Do not take --english, --baseline and --config from the build that wrote OUT.")
@handle_errors
def qa(target: Path, english: Path | None, baseline: Path | None, config: Path | None, suppress: Path | None,
       write_baseline: Path | None, fail_on: str | None, limits: tuple[str, ...], formats: tuple[str, ...],
       quiet: bool, ignore_build_settings: bool = False) -> None:
    """Check the TM in OUT_OR_TM (a build directory or a tm.sqlite) and write reports to OUT/qa/.

    Reports: qa.json, junit.xml, qa.sarif, qa.md, qa.html. Exit status 1 when a gate
    (--fail-on, --max, or fail_on/max in tmpipe.toml) is reached, else 0; 2 for bad input
    (no TM, a TM without pairs, an --english folder that matches no article).
    --english, --baseline and --config default to those of the build that wrote OUT.

    \b
    Example:
      tmpipe qa exports --fail-on error
      tmpipe qa exports --english ../docs-en/articles --max untranslated=0
      tmpipe qa exports --write-baseline qa-baseline.json
      tmpipe qa exports --suppress qa-baseline.json --fail-on warning
    """
    tm = tm_of(target)
    given = {"english": english, "baseline": baseline, "config": config}
    recorded = {} if ignore_build_settings else recorded_qa_inputs(tm.parent / MANIFEST, given)
    english, baseline, config = (given[key] or recorded.get(key) for key in QA_INPUTS)
    settings = load_config(config)
    gates = dict(settings.max)
    for limit in limits:
        name, _, count = limit.partition("=")
        if name not in CHECKS or not count.isdigit():
            raise ConfigError(f"--max {limit}: expected CHECK=N with CHECK one of: {', '.join(CHECKS)}")
        gates[name] = int(count)
    for name in formats:
        get_report(name)
    store = open_store(tm, readonly=True)
    try:
        _check_inputs(store, tm, english, baseline, recorded, quiet)
        result = run_qa(store, tm.parent, settings, english=english, baseline=baseline, suppress=suppress,
                        formats=formats or None, write_baseline=write_baseline,
                        corpus_root=recorded.get("corpus_root"))
    finally:
        store.close()
    reasons = [] if write_baseline else result.gate(fail_on or settings.fail_on, gates)  # type: ignore[arg-type]
    if not quiet:
        _print_qa(result, write_baseline)
    for reason in reasons:
        click.echo(f"tmpipe: QA gate reached: {reason}", err=True)
    if reasons:
        sys.exit(1)


def _check_inputs(store: Store, tm: Path, english: Path | None, baseline: Path | None, recorded: dict[str, Any],
                  quiet: bool) -> None:
    """Stop before checking a TM without pairs or against an English folder that matches none of
    its articles (a green gate would say nothing); say which of the build's settings are used."""
    if not store.has_pairs():
        raise InputError(f"{tm}: the TM holds no pairs: there is nothing to check, and a green gate would"
                         " say nothing (build it from a corpus with span pairs first)")
    coverage, warnings = input_warnings(store, english, baseline)
    if coverage is not None and not coverage.matched:
        raise InputError(warnings[0])
    if not quiet:
        used = [f"--{key} {recorded[key]}" for key in QA_INPUTS if recorded.get(key)]
        if used:
            click.echo("settings of the build: " + ", ".join(used))
        if coverage is not None:
            click.echo(coverage.message())
    for warning in warnings:
        click.echo(f"tmpipe: warning: {warning}", err=True)


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
    """List the export formats and QA reports, with what each writes (* = written by default).

    \b
    Example:
      tmpipe formats
    """
    click.echo("export formats (tmpipe build -f, tmpipe export -f):")
    for name in sorted(FORMATS):
        mark = "*" if name in DEFAULT_FORMATS else " "
        click.echo(f"  {mark} {name:<16} {FORMATS[name].description}")
    click.echo("QA reports (tmpipe build -f, tmpipe qa -f):")
    for name in REPORTS:
        mark = "*" if name in DEFAULT_REPORTS else " "
        click.echo(f"  {mark} {name:<16} {REPORTS[name].description}")
