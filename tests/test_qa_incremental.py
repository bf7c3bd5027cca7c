"""A QA rebuild reuses the findings of what did not change (``OUT/.tmpipe-cache/qa.sqlite``).

Each step below changes the corpus (an article edited, added, removed, moved to another locale,
a check switched off and on), rebuilds the TM, and runs QA twice: with the cache of the steps
before and without any.  The reports must be byte for byte the same, and the run with the cache
must have checked only what the change can affect.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pipeline.build import BuildOptions, build
from pipeline.qa import QaConfig, cache as qa_cache, consistency, length, run_qa, runner
from pipeline.qa.config import load_config
from pipeline.qa.names import corpus_facts
from pipeline.store import open_store

CACHE = Path(".tmpipe-cache") / "qa.sqlite"

#: English sources and the translations articles pick from: several translations of one source
#: (inconsistent-target), one translation of several sources (inconsistent-source), numbers that
#: do not match (number-mismatch), an untranslated pair, and a far too long one (length-ratio).
POOL = [
    ("Save the invoice before you post it.", ["Enregistrez la facture avant de la valider.",
                                              "Sauvegardez la facture avant de la valider."]),
    ("Store the invoice before you post it.", ["Enregistrez la facture avant de la valider."]),
    ("Select the customer you want to bill.", ["Sélectionnez le client à facturer.",
                                               "Choisissez le client à facturer."]),
    ("Open the project and review its budget.", ["Ouvrez le projet et vérifiez son budget."]),
    ("Post 3 journals at the end of the month.", ["Validez 3 journaux à la fin du mois.",
                                                  "Validez 4 journaux à la fin du mois."]),
    ("The report shows the totals per customer.", ["The report shows the totals per customer.",
                                                   "Le rapport affiche les totaux par client."]),
    ("Close the period when every entry is posted.", ["Clôturez la période lorsque toutes les écritures sont"
                                                      " validées." * 6,
                                                      "Clôturez la période quand tout est validé."]),
    ("Create a payment proposal for the vendors.", ["Créez une proposition de paiement pour les fournisseurs."]),
    ("Review the settlement of open transactions.", ["Vérifiez le règlement des transactions ouvertes.",
                                                     "Contrôlez le règlement des transactions ouvertes."]),
    ("Print the invoice journal for the auditor.", ["Imprimez le journal des factures pour l'auditeur."]),
]
LOCALES = ("fr-FR", "de-DE")


def _article(locale: str, name: str, picks: list[tuple[int, int]]) -> str:
    lines = ["---", f"title: {name}", "ms.translationtype: HT", f"ms.contentlocale: {locale}",
             "ms.sourcegitcommit: COMMIT", "ms.lasthandoff: 07/19/2021", 'ms.locfileid: "1"', "---", ""]
    for n, (source, target) in enumerate(picks):
        english, translations = POOL[source]
        text = translations[target % len(translations)]
        lines.append(f'<span data-ttu-id="ab{name[-2:]}-{100 + n}">{text}</span><span class="sxs-lookup">'
                     f'<span data-stu-id="ab{name[-2:]}-{100 + n}">{english}</span></span>\n')
    return "\n".join(lines)


def _picks(rng: random.Random) -> list[tuple[int, int]]:
    return [(rng.randrange(len(POOL)), rng.randrange(2)) for _ in range(rng.randrange(8, 16))]


class _Spy:
    """Counts what a run checked: units given to the segment checks, the parts the
    partitioned corpus checks were asked for (None: every part), and the stored parts read
    back (``decoded``: those the reports could not copy from their previous files)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.units = self.decoded = 0
        self.only: dict[str, Any] = {}
        segment, variants, quartiles = runner.QaSegment, consistency._variants, length._quartiles

        def counted_segment(row: Any) -> Any:
            self.units += 1
            return segment(row)

        def spied_variants(store: Any, side: str, limit: int, only: Any = None) -> Any:
            self.only[side] = None if only is None else len(only)
            return variants(store, side, limit, only)

        def spied_quartiles(store: Any, min_chars: int, locales: Any = None) -> Any:
            self.only["locale"] = None if locales is None else len(locales)
            return quartiles(store, min_chars, locales)

        def counted_decode(text: str) -> Any:
            self.decoded += 1
            return decode_part(text)

        decode_part = runner.decode_part
        monkeypatch.setattr(runner, "decode_part", counted_decode)
        monkeypatch.setattr(runner, "QaSegment", counted_segment)
        monkeypatch.setattr(consistency, "_variants", spied_variants)
        monkeypatch.setattr(length, "_quartiles", spied_quartiles)

    def reset(self) -> None:
        self.units, self.decoded, self.only = 0, 0, {}


def _reports(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "qa").iterdir())}


class _Corpus:
    def __init__(self, root: Path) -> None:
        self.root = root / "corpus"
        self.out = root / "out"
        self.plain = root / "plain"
        self.articles: dict[str, str] = {}

    def write(self, rel: str, text: str | None) -> None:
        path = self.root / rel
        if text is None:
            path.unlink()
            self.articles.pop(rel)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.articles[rel] = text

    def qa(self, config: QaConfig, spy: _Spy | None = None, **options: Any
           ) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """The reports of a run with the cache (the one ``spy`` watches) and of a run without."""
        build([self.root], self.out, BuildOptions(formats=(), qa=False))
        store = open_store(self.out / "tm.sqlite", readonly=True)
        try:
            self.facts = corpus_facts(store).digest
            shutil.rmtree(self.plain, ignore_errors=True)
            run_qa(store, self.plain, config, **options)
            if spy is not None:
                spy.reset()
            # the previous step's reports stay: the unchanged parts are copied from them
            run_qa(store, self.out, config, cache=self.out / CACHE, **options)
            return _reports(self.out), _reports(self.plain)
        finally:
            store.close()


@pytest.mark.parametrize("seed, options", [
    (1, {}),
    (2, {}),
    # the reports keep 3 findings per check: most stored parts are counted, never read
    (3, {"config": QaConfig(max_findings=3)}),
    # suppressed findings (a baseline file): every stored part is read, to look its fingerprints up
    (4, {"suppress": "baseline"}),
])
def test_every_rebuild_writes_the_reports_of_a_run_without_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 seed: int, options: dict[str, Any]) -> None:
    rng = random.Random(seed)
    corpus = _Corpus(tmp_path)
    for locale in LOCALES:
        for n in range(6):
            corpus.write(f"{locale}/articles/a{n:02d}.md", _article(locale, f"a{n:02d}", _picks(rng)))
    config = options.pop("config", QaConfig())
    if options.get("suppress"):  # every other finding of a first run is accepted
        baseline = tmp_path / "baseline.json"
        corpus.qa(config, write_baseline=baseline)
        data = json.loads(baseline.read_text(encoding="utf-8"))
        data["fingerprints"] = dict(list(data["fingerprints"].items())[::2])
        baseline.write_text(json.dumps(data), encoding="utf-8")
        options["suppress"] = baseline
        shutil.rmtree(corpus.out)
    cached, plain = corpus.qa(config, **options)
    assert cached == plain
    found = {finding["check"] for finding in json.loads(plain["qa.json"])["findings"]}
    assert {"inconsistent-target", "inconsistent-source", "length-ratio", "untranslated"} <= found, \
        "the corpus must give findings to the partitioned checks"

    spy = _Spy(monkeypatch)
    for step in range(10):
        facts = corpus.facts
        names = sorted(corpus.articles)
        action = ("edit", "add", "remove", "move", "nothing")[step % 5]
        rel = rng.choice(names)
        if action == "edit":  # other pairs, other translations
            picks = _picks(rng)
            corpus.write(rel, _article(rel.split("/")[0], Path(rel).stem, picks))
        elif action == "add":
            locale = rng.choice(LOCALES)
            corpus.write(f"{locale}/articles/n{step:02d}.md", _article(locale, f"n{step:02d}", _picks(rng)))
        elif action == "remove":
            corpus.write(rel, None)
        elif action == "move":  # same path, another locale: its old groups and new ones change
            other = next(loc for loc in LOCALES if loc != rel.split("/")[0])
            corpus.write(rel, corpus.articles[rel].replace(f"ms.contentlocale: {rel.split('/')[0]}",
                                                           f"ms.contentlocale: {other}"))
        cached, plain = corpus.qa(config, spy, **options)
        assert cached == plain, f"step {step} ({action} {rel})"
        if action == "nothing":
            assert spy.units == 0
            assert spy.only == {"source": 0, "target": 0, "locale": 0}
            if not options.get("suppress"):  # suppressions are looked up finding by finding
                assert spy.decoded <= 15, "the parts are copied from the previous reports (qa.md reads its first rows)"
        elif corpus.facts != facts:
            # the names learnt from the corpus changed: segment findings depend on them, so every
            # article is checked again (a cache that tracks them per source could narrow this)
            assert spy.units > 0
        else:  # one article's units and groups: never the whole corpus
            assert spy.units <= 16
            assert all(n is not None and n <= 32 for n in spy.only.values()), spy.only


def test_a_check_switched_off_and_on_again_forgets_its_stale_parts(tmp_path: Path) -> None:
    rng = random.Random(3)
    corpus = _Corpus(tmp_path)
    for n in range(6):
        corpus.write(f"fr-FR/articles/a{n:02d}.md", _article("fr-FR", f"a{n:02d}", _picks(rng)))
    on = QaConfig()
    toml = tmp_path / "tmpipe.toml"
    toml.write_text("[qa.checks.inconsistent-target]\nenabled = false\n", encoding="utf-8")
    off = load_config(toml)
    corpus.qa(on)
    # while the check is off, an article gives its source a second translation, then the check is on
    corpus.write("fr-FR/articles/a00.md", _article("fr-FR", "a00", [(0, 0), (0, 1), (2, 0), (2, 1)] * 3))
    corpus.qa(off)
    with sqlite3.connect(corpus.out / CACHE) as db:
        assert not db.execute("SELECT 1 FROM parts WHERE owner = 'inconsistent-target'").fetchall()
    cached, plain = corpus.qa(on)
    assert cached == plain
    assert b"inconsistent-target" in plain["qa.json"]


def test_unit_entries_the_tm_lost_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(4)
    corpus = _Corpus(tmp_path)
    for n in range(4):
        corpus.write(f"fr-FR/articles/a{n:02d}.md", _article("fr-FR", f"a{n:02d}", _picks(rng)))
    corpus.qa(QaConfig())
    corpus.write("fr-FR/articles/a00.md", None)
    corpus.write("fr-FR/articles/a01.md", _article("fr-FR", "a01", [(3, 0), (7, 0)]))

    def keys(query: str, path: Path) -> set[bytes]:
        with sqlite3.connect(path) as db:
            return {key for (key,) in db.execute(query)}

    monkeypatch.setattr(qa_cache, "PRUNE_AT", 10.0)  # not yet: the lost units' entries stay
    corpus.qa(QaConfig())
    tm = keys("SELECT key FROM units", corpus.out / "tm.sqlite")
    assert keys("SELECT key FROM units", corpus.out / CACHE) > tm
    corpus.write("fr-FR/articles/a02.md", _article("fr-FR", "a02", [(3, 1)]))
    monkeypatch.setattr(qa_cache, "PRUNE_AT", 1.0)
    corpus.qa(QaConfig())
    assert keys("SELECT key FROM units", corpus.out / CACHE) == keys("SELECT key FROM units", corpus.out / "tm.sqlite")


def test_a_cache_of_another_tm_is_not_trusted_beyond_its_articles(tmp_path: Path) -> None:
    """The cache compares articles by path, locale and content hash: pointed at another TM, it
    reuses what those say is the same, and rechecks the rest."""
    rng = random.Random(5)
    first, second = _Corpus(tmp_path / "one"), _Corpus(tmp_path / "two")
    for n in range(5):
        text = _article("fr-FR", f"a{n:02d}", _picks(rng))
        first.write(f"fr-FR/articles/a{n:02d}.md", text)
        second.write(f"fr-FR/articles/a{n:02d}.md", text if n % 2 else _article("fr-FR", f"a{n:02d}", _picks(rng)))
    first.qa(QaConfig())
    second.out.mkdir(parents=True)
    shutil.copytree(first.out / CACHE.parent, second.out / CACHE.parent)
    cached, plain = second.qa(QaConfig())
    assert cached == plain
