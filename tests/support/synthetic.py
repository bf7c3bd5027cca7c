"""Translation memories made in code, for what no article can hold (illegal characters,
tens of thousands of units), and running one exporter in process."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipeline.export import DocumentContext, ExportOptions, get_format
from pipeline.extract.inline import parse_segment
from pipeline.model import Document, DocumentMeta, Pair
from pipeline.output import Output
from pipeline.outputs.documents import write_format
from pipeline.store import Store, open_store

__all__ = ["SIGNATURE", "make_store", "export", "numbered_docs"]

SIGNATURE = {"tool": "tmpipe", "version": "test", "options": {}, "input": "0" * 64}


def make_store(path: Path, docs: Iterable[tuple[str, str, str, list[tuple[str, str, str]]]]) -> Store:
    """A TM at ``path`` from ``(rel path, locale, MT|HT, [(id, source raw, target raw)…])``."""
    store = open_store(path)
    for rel, locale, kind, pairs in docs:
        doc_pairs = tuple(Pair(seg_id, parse_segment(source), parse_segment(target), n + 1, n + 1)
                          for n, (seg_id, source, target) in enumerate(pairs))
        store.put(Document(DocumentMeta(rel, locale, translation_type=kind, source_commit="c0ffee",
                                        locfileid="1", lasthandoff="01/01/2024"),
                           f"{hash(rel):x}", 1, len(doc_pairs), doc_pairs))
    store.commit()
    return store


def numbered_docs(docs: int, pairs: int, locales: tuple[str, ...] = ("fr-FR",)):
    """Distinct, markup-rich pairs: ``docs × pairs`` occurrences per locale, half of the docs MT."""
    for locale in locales:
        for d in range(docs):
            yield (f"{locale}/doc{d:05}.md", locale, "MT" if d % 2 else "HT", [
                (f"{d:05x}-{p}", f"Select **Item {d}.{p}** in [the list](x{p}.md) and `run {p}`.",
                 f"Sélectionnez **l’élément {d}.{p}** dans [la liste](x{p}.md) et `run {p}`.")
                for p in range(pairs)])


def export(store: Store, out: Path, fmt: str, locales: Iterable[str] | None = None,
           signature: dict[str, object] | None = None, **options: bool) -> list[Output]:
    """Write one format's files from ``store`` into ``out`` (of ``locales`` only, when given)."""
    everything = tuple(store.locale_pairs())
    wanted = None if locales is None else set(locales)
    pairs = everything if wanted is None else tuple(p for p in everything if p[1] in wanted)
    return write_format(get_format(fmt), store, out, DocumentContext(pairs, everything, ExportOptions(**options),
                                                                    signature or SIGNATURE))


def exported_pair(fmt: str, source: str, target: str, kind: str = "HT") -> str:
    """The text of the ``fr-FR`` file ``fmt`` writes for one article holding one pair."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tmpipe-pair-") as work:
        store = make_store(Path(work) / "tm.sqlite", [("fr-FR/a.md", "fr-FR", kind, [("x-1", source, target)])])
        try:
            output, = [o for o in export(store, Path(work) / "out", fmt) if o.target_locale == "fr-FR"]
            return (Path(work) / "out" / output.path).read_text(encoding="utf-8")
        finally:
            store.close()
