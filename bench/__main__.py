"""``python -m bench``: generate corpora of each size, run every tool on them, print and save the table.

Example::

    python -m bench                      # 50 MB and 200 MB, every run
    python -m bench --sizes 5 --keep     # one small corpus, keep the work folder
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pipeline.core import PURE_ENV

from .corpus import generate, seed_root, touch
from .measure import Measurement, run
from .report import PROBES, RUNS, evaluate, render

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0],
                                     epilog="Example: python -m bench --sizes 50,200")
    parser.add_argument("--sizes", default="50,200",
                        help="corpus sizes in MB, comma-separated; the first is 1x (default: 50,200)")
    parser.add_argument("--only", default=",".join(RUNS + PROBES),
                        help=f"runs to do, comma-separated (default: {','.join(RUNS + PROBES)})")
    parser.add_argument("--seed", type=Path, default=None,
                        help="folder of seed articles (default: ../shared/corpus-dev, else corpus/)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where corpora and outputs go (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--touch", type=float, default=0.01,
                        help="fraction of articles changed before the incremental rebuild (default: 0.01)")
    parser.add_argument("--formats", default=None,
                        help="export formats for tmpipe build, comma-separated (default: every registered one)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON results")
    return parser.parse_args(argv)


def _formats(wanted: str | None) -> list[str]:
    if wanted:
        return [f for f in wanted.split(",") if f]
    from pipeline.export import FORMATS
    return sorted(FORMATS)


def _qa_options() -> list[str]:
    """Switches that turn QA on inside ``tmpipe build``, if it has any (QA may run by default)."""
    from pipeline.cli import main
    command = main.commands["build"]
    names = {opt for param in command.params for opt in getattr(param, "opts", [])}
    return ["--qa"] if "--qa" in names else []


def _warm(root: Path) -> None:
    """Read every file once, so every tool starts with the same (warm) page cache."""
    for path in root.rglob("*.md"):
        path.read_bytes()


def _compile() -> None:
    """Compile tmpipe's and the bench's modules to bytecode once, as an installed package is: where
    ``PYTHONDONTWRITEBYTECODE`` is set (this workplace sets it), every run would compile them again
    (about 0.1 s each), while the libraries the other tools use come compiled by pip."""
    for package in ("pipeline", "bench"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def _core() -> str:
    """The core tmpipe builds run on here, as ``tmpipe --version`` names it."""
    done = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, cwd=ROOT)
    line = done.stdout.strip()
    return line.split("(core: ", 1)[1].rstrip(")") if "(core: " in line else f"unknown ({line or done.stderr[-200:]})"


def _extraction(root: Path) -> dict[str, Any]:
    """``bench.extraction`` on both cores, each in its own process: µs per pair in process."""
    found = {}
    for name, env in (("default", {}), ("pure", {PURE_ENV: "1"})):
        done = subprocess.run([sys.executable, "-m", "bench.extraction", str(root)], capture_output=True, text=True,
                              cwd=ROOT, env={**{k: v for k, v in os.environ.items() if k != PURE_ENV}, **env})
        if done.returncode != 0:
            print(f"bench: extraction ({name} core) exited {done.returncode}:\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        found[name] = json.loads(done.stdout)
    return found


def _bench_size(size: float, work: Path, only: list[str], args: argparse.Namespace,
                formats: list[str], qa: list[str]) -> dict[str, Any]:
    corpus = generate(work / "corpus", size, args.seed)
    print(f"bench: {size:g} MB: {corpus.files} articles, {corpus.bytes / 1e6:.1f} MB from {corpus.seed}"
          f" ({corpus.copies} copies)", file=sys.stderr, flush=True)
    _warm(corpus.root)
    python = sys.executable
    build = [python, "-m", "pipeline", "build", str(corpus.root), "-q", *qa,
             *[arg for name in formats for arg in ("-f", name)]]
    commands = {
        "floor": [python, "-m", "bench.floor", str(corpus.root), str(work / "floor.tsv")],
        "status-quo": [python, "-m", "bench.statusquo", str(corpus.root), str(work / "status-quo")],
        "tmpipe-j1": [*build, "-o", str(work / "out-j1"), "--jobs", "1"],
        "tmpipe-j2": [*build, "-o", str(work / "out-j2"), "--jobs", "2"],
        "pure-j2": [*build, "-o", str(work / "out-pure"), "--jobs", "2"],
        "unchanged": [*build, "-o", str(work / "out-j2"), "--jobs", "2"],
        "incremental": [*build, "-o", str(work / "out-j2"), "--jobs", "2"],
        "one-locale": [*build, "-o", str(work / "out-j2"), "--jobs", "2"],
    }
    runs: dict[str, Measurement] = {}
    counts: dict[str, Any] = {}
    changed: list[Path] = []
    changed_locale: list[Path] = []
    for name in RUNS:
        if name not in only:
            continue
        if name in ("unchanged", "incremental", "one-locale"):
            if "tmpipe-j2" not in runs:
                continue
            if name == "incremental":
                changed = touch(corpus.root, args.touch)
            elif name == "one-locale":
                changed_locale = touch(corpus.root, args.touch, locale="fr-FR")
        print(f"bench: {size:g} MB: {name} ...", file=sys.stderr, flush=True)
        runs[name] = run(name, commands[name], work / f"{name}.log", cwd=ROOT,
                         env={PURE_ENV: "1"} if name == "pure-j2" else None)
        if runs[name].returncode != 0:
            tail = (work / f"{name}.log").read_text(errors="replace")[-2000:]
            print(f"bench: {name} exited {runs[name].returncode}:\n{tail}", file=sys.stderr)
            continue
        if name in ("floor", "status-quo"):
            counts[f"{name}_pairs"] = int((work / f"{name}.log").read_text().split()[-1])
        elif name == "pure-j2":
            counts["pure-j2_run"] = json.loads((work / "out-pure" / "manifest.json").read_text())["extraction"]["run"]
        elif name in ("tmpipe-j2", "unchanged", "incremental", "one-locale"):
            extraction = json.loads((work / "out-j2" / "manifest.json").read_text())["extraction"]
            if name == "tmpipe-j2":
                counts.update(tmpipe_pairs=extraction["pairs"], tmpipe_units=extraction["units"],
                              tmpipe_anomalies=extraction["anomalies"], tmpipe_run=extraction["run"])
            else:
                counts[f"{name}_run"] = extraction["run"]
    if "extraction" in only:
        print(f"bench: {size:g} MB: extraction in process, each core ...", file=sys.stderr, flush=True)
    return {
        "size_mb": size,
        "extraction": _extraction(corpus.root) if "extraction" in only else {},
        "corpus": {"files": corpus.files, "bytes": corpus.bytes, "seed": str(corpus.seed),
                   "copies": corpus.copies, "changed_files": len(changed),
                   "changed_files_one_locale": len(changed_locale)},
        "counts": counts,
        "runs": {name: m.to_json() for name, m in runs.items()},
    }


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    sizes = [float(s) for s in args.sizes.split(",") if s]
    only = [name for name in args.only.split(",") if name]
    unknown = set(only) - set(RUNS + PROBES)
    if unknown:
        print(f"bench: unknown run(s) {', '.join(sorted(unknown))}; choose from: {', '.join(RUNS + PROBES)}",
              file=sys.stderr)
        return 2
    formats, qa = _formats(args.formats), _qa_options()
    _compile()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="tmpipe-bench-"))
    results: list[dict[str, Any]] = []
    try:
        for size in sizes:
            folder = work / f"size-{size:g}"
            shutil.rmtree(folder, ignore_errors=True)
            results.append(_bench_size(size, folder, only, args, formats, qa))
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    from pipeline import __version__
    report: dict[str, Any] = {
        "tool": "tmpipe-bench",
        "version": __version__,
        "core": _core(),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "options": {"sizes_mb": sizes, "runs": only, "formats": formats, "qa": qa, "touch": args.touch,
                    "seed": str(args.seed or seed_root())},
        "sizes": results,
    }
    report.update(evaluate(results))
    print(render(report))
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = report["created"].replace(":", "").replace("-", "")
    for name in (f"bench-{stamp}.json", "latest.json"):
        with open(args.results / name, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
            handle.write("\n")
    print(f"bench: results in {args.results / f'bench-{stamp}.json'}", file=sys.stderr)
    if args.keep:
        print(f"bench: work folder kept: {work}", file=sys.stderr)
    failed = [f"{r['size_mb']:g} MB {name}" for r in results for name, m in r["runs"].items()
              if m["returncode"] != 0]
    if failed:
        print(f"bench: failed runs: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
