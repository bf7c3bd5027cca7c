"""A QA rebuild recalls the segment findings of the articles it saw (``OUT/.tmpipe-cache/qa-memo.sqlite``).

Each step below changes the corpus (an article edited, added, removed, moved to another locale,
a check switched off and on), rebuilds the TM, and runs QA twice: with the memo of the steps
before and without any.  The reports must be byte for byte the same, and the run with the memo
must have checked only the units of the articles that changed (or of every article whose
sources the corpus facts now judge otherwise).
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
from pipeline.outputs import run_qa
from pipeline.outputs.qa import MEMO
from pipeline.qa import QaConfig, runner
from pipeline.qa.config import load_config
from pipeline.qa.names import corpus_facts
from pipeline.store import open_store

CACHE = Path(MEMO)

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
    """Counts the units a run gave to the segment checks."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.units = 0
        segment = runner.QaSegment

        def counted_segment(row: Any) -> Any:
            self.units += 1
            return segment(row)

        monkeypatch.setattr(runner, "QaSegment", counted_segment)

    def reset(self) -> None:
        self.units = 0


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

    def facts(self) -> Any:
        """What the corpus facts of the last build say (None before the first)."""
        if not (self.out / "tm.sqlite").is_file():
            return None
        store = open_store(self.out / "tm.sqlite", readonly=True)
        try:
            return corpus_facts(store)
        finally:
            store.close()

    def qa(self, config: QaConfig, spy: _Spy | None = None, **options: Any
           ) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """The reports of a run with the memo (the one ``spy`` watches) and of a run without."""
        build([self.root], self.out, BuildOptions(formats=(), qa=False))
        store = open_store(self.out / "tm.sqlite", readonly=True)
        try:
            shutil.rmtree(self.plain, ignore_errors=True)
            run_qa(store, self.plain, config, **options)
            if spy is not None:
                spy.reset()
            run_qa(store, self.out, config, memo=self.out / CACHE, **options)
            return _reports(self.out), _reports(self.plain)
        finally:
            store.close()


@pytest.mark.parametrize("seed, options", [
    (1, {}),
    (2, {}),
    (3, {"config": QaConfig(max_findings=3)}),  # the reports keep 3 findings per check, the most severe
    (4, {"suppress": "baseline"}),  # suppressed findings (a baseline file)
])
def test_every_rebuild_writes_the_reports_of_a_run_without_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
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
    bounded = 0
    for step in range(10):
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
        facts = corpus.facts()
        cached, plain = corpus.qa(config, spy, **options)
        assert cached == plain, f"step {step} ({action} {rel})"
        if action == "nothing":
            assert spy.units == 0
        elif corpus.facts() == facts:  # one article's units at most
            assert spy.units <= 16
            bounded += 1
    assert bounded >= 3, "too few steps left the corpus facts as they were for the bound to be tested"


def test_a_check_switched_off_and_on_again_is_checked_again(tmp_path: Path) -> None:
    rng = random.Random(3)
    corpus = _Corpus(tmp_path)
    for n in range(6):
        corpus.write(f"fr-FR/articles/a{n:02d}.md", _article("fr-FR", f"a{n:02d}", _picks(rng)))
    on = QaConfig()
    toml = tmp_path / "tmpipe.toml"
    toml.write_text("[qa.checks.untranslated]\nenabled = false\n", encoding="utf-8")
    off = load_config(toml)
    corpus.qa(on)
    # while the check is off, an article gets an untranslated pair, then the check is on again
    corpus.write("fr-FR/articles/a00.md", _article("fr-FR", "a00", [(5, 0), (0, 0)]))
    corpus.qa(off)
    cached, plain = corpus.qa(on)
    assert cached == plain
    assert b'"check": "untranslated"' in plain["qa.json"]


def test_a_memo_of_another_tm_recalls_the_articles_they_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An article is known by its locale, path and content, whatever TM it comes from."""
    rng = random.Random(5)
    first, second = _Corpus(tmp_path / "one"), _Corpus(tmp_path / "two")
    for n in range(5):
        text = _article("fr-FR", f"a{n:02d}", _picks(rng))
        first.write(f"fr-FR/articles/a{n:02d}.md", text)
        second.write(f"fr-FR/articles/a{n:02d}.md", text if n % 2 else _article("fr-FR", f"a{n:02d}", _picks(rng)))
    first.qa(QaConfig())
    second.out.mkdir(parents=True)
    shutil.copytree(first.out / CACHE.parent, second.out / CACHE.parent)
    spy = _Spy(monkeypatch)
    cached, plain = second.qa(QaConfig(), spy)
    assert cached == plain
    with sqlite3.connect(second.out / "tm.sqlite") as db:
        (units,) = db.execute("SELECT COUNT(*) FROM units").fetchone()
    assert 0 < spy.units < units, "the articles both TMs hold are recalled, the others checked"
