"""QA on the shared dev corpus (../shared/corpus-dev): drift per file against the English at
translation time and a year later, and every check within sane bounds on real data."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from pipeline.build import BuildOptions, build
from pipeline.qa import QaConfig
from pipeline.qa.config import parse_config
from pipeline.qa.runner import QaResult, run_checks
from pipeline.store import open_store

pytestmark = pytest.mark.shared
LOCALES = ("fr-FR", "ja-JP", "ru-RU", "ar-SA")


@pytest.fixture(scope="module")
def tm(dev_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dev-qa")
    build([dev_corpus / locale for locale in LOCALES], out, BuildOptions(jobs=2, formats=(), qa=False))
    return out / "tm.sqlite"


def _run(tm: Path, config: QaConfig, **kwargs: object) -> QaResult:
    store = open_store(tm, readonly=True)
    try:
        return run_checks(store, config, **kwargs)  # type: ignore[arg-type]
    finally:
        store.close()


def _drift_only() -> QaConfig:
    from pipeline.qa import CHECKS
    return parse_config({"qa": {"checks": {c: {"enabled": c == "source-drift"} for c in CHECKS}}})


def test_no_drift_against_the_english_at_translation_time(tm: Path, dev_corpus: Path) -> None:
    result = _run(tm, _drift_only(), english=dev_corpus / "en-US" / "at-source")
    files = result.summary["source_drift"]["files"]
    assert len(files) == 240 and all(f["english"] for f in files.values())
    assert result.summary["source_drift"]["drifted"] == 0, [f.message for f in result.findings[:3]]


def test_drift_per_file_against_the_english_a_year_later(tm: Path, dev_corpus: Path) -> None:
    result = _run(tm, _drift_only(), english=dev_corpus / "en-US" / "later")
    files = result.summary["source_drift"]["files"]
    by_locale: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for path, stats in files.items():
        row = by_locale[stats["locale"]]
        row["files"] += 1
        row["unmatched"] += stats["english"] is None  # renamed or deleted since (index.tsv: later=no)
        row["drifted_files"] += stats["drifted"] > 0
        row["segments"] += stats["segments"] if stats["english"] else 0
        row["drifted"] += stats["drifted"]
    for locale in LOCALES:  # MANIFEST.md: 24 of 54 files drifted, 4.7% of segments
        row = by_locale[locale]
        assert (row["files"], row["unmatched"], row["drifted_files"]) == (60, 6, 24), (locale, row)
        assert 0.04 < row["drifted"] / row["segments"] < 0.055
    drifted = [f for f in result.findings if f.line]
    assert all(f.extra["english_file"] and 0 <= f.extra["similarity"] <= 1 for f in drifted)
    # the four locales translate the same English: the same sources drifted in each
    per_locale = collections.Counter((f.file.split("/", 1)[1], f.source) for f in drifted)
    assert all(n % 4 == 0 for n in per_locale.values())  # a sentence repeated in a file drifts n × 4 times


def test_every_check_stays_within_bounds_on_real_data(tm: Path) -> None:
    result = _run(tm, QaConfig())
    counts = {k: v["count"] for k, v in result.summary["by_check"].items()}
    segments = 4 * 3953
    assert counts["untranslated"] < 0.15 * segments  # MANIFEST: 334 target == source per locale
    assert counts["wrong-language"] < 10
    assert counts["number-mismatch"] < 0.005 * segments
    assert counts["markup-mismatch"] < 0.005 * segments
    assert counts["url-mismatch"] < 0.002 * segments
    assert counts["malformed-pair"] == 0  # MANIFEST: no orphan or broken pairs in this family
    for finding in result.findings:
        assert finding.file.split("/", 1)[0] in LOCALES and finding.locale in LOCALES


def test_checks_read_what_the_extractor_found_on_real_data(tm: Path) -> None:
    """The sides checks read from the TM are what parsing every unit's raw texts gives."""
    from test_qa_store_queries import assert_stored_sides_are_the_parse
    assert_stored_sides_are_the_parse(tm)
