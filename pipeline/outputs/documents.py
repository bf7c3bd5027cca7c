"""Writing a format's files from the TM: the rows each part needs, read and handed to the format.

For each :class:`~pipeline.export.registry.Document`, every article of its locale pairs is a
part (:mod:`.parts`): a part whose key is unchanged is copied from the previous file
(:mod:`.fragments`) and only the others' rows are read and rendered.  Documents over the
same rows (TMX's main and MT-only files) are written in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from itertools import groupby
from pathlib import Path
from typing import Any

from .. import progress
from ..atomic import atomic_open
from ..export.registry import Document, DocumentContext, Format, Part, Stream, Table
from ..extsort import external_sort
from ..output import Output, Rendered
from ..rows import UnitRow
from ..store import Store
from .fragments import Fragments, layout
from .parts import digest, part_keys, part_rows
from .tables import write_table

__all__ = ["COLLISION_CANDIDATES", "colliding_keys", "write_format"]


def write_format(fmt: Format, store: Store, out: Path, ctx: DocumentContext) -> list[Output]:
    """Write every file of ``fmt`` for ``ctx`` below ``out``; their manifest entries, in order."""
    files = fmt.files(ctx)
    entries: dict[int, list[Output]] = {}
    documents = [(at, file) for at, file in enumerate(files) if isinstance(file, Document)]
    for _, group in groupby(documents, key=lambda item: (item[1].shape, item[1].pairs)):
        batch = list(group)
        for (at, _), output in zip(batch, _write_documents(fmt.name, [doc for _, doc in batch], store, out, ctx)):
            entries[at] = [output] if output is not None else []
    for at, file in enumerate(files):
        if isinstance(file, Stream):
            entries[at] = [_write_stream(file, store, out)]
        elif isinstance(file, Table):
            entries[at] = write_table(file, store, out, ctx.signature)
    return [output for at in sorted(entries) for output in entries[at]]


#: Past this many segment ids that may collide, every occurrence's key is read.
COLLISION_CANDIDATES = 20_000


def colliding_keys(store: Store, keyed: Callable[[str, str], int], id_part: Callable[[str], str], target: str,
                   source: str | None) -> dict[str, frozenset[int]]:
    """Per article, its keys that occur more than once in the locale pair (articles with none left
    out): the occurrences' keys with their articles, sorted by key (on disk past a bound).

    Only occurrences whose segment id may share a key are read (:attr:`Document.id_part`): ids
    that occur more than once, and those the key changes with what they become."""
    candidates: set[str] = set()
    for seg_id, count in store.segment_ids(target, source):
        part = id_part(seg_id)
        if count > 1 or part != seg_id:
            candidates.update((seg_id, part))
            if len(candidates) > COLLISION_CANDIDATES:
                break
    if not candidates:
        return {}
    keys = ((keyed(row.id, row.source_raw), row.path) for row in store.occurrence_keys(
        target, source, sorted(candidates) if len(candidates) <= COLLISION_CANDIDATES else None))
    found: dict[str, set[int]] = {}
    for key, group in groupby(external_sort(keys, key=None), key=lambda item: item[0]):
        paths = [path for _, path in group]
        if len(paths) > 1:
            for path in paths:
                found.setdefault(path, set()).add(key)
    return {path: frozenset(mine) for path, mine in found.items()}


def _write_documents(name: str, documents: list[Document[Any]], store: Store, out: Path,
                     ctx: DocumentContext) -> list[Output | None]:
    """Write documents whose parts are the same rows; an optional one with no row is not written."""
    shape, pairs = documents[0].shape, documents[0].pairs
    keyed = next((doc for doc in documents if doc.keyed is not None), None)  # the document the keys are of
    totals: list[dict[str, int]] = [{"parts": 0} for _ in documents]
    with ExitStack() as stack:
        files = [stack.enter_context(Fragments(out, doc.path, layout(name, doc.path, repr(ctx.options))))
                 for doc in documents]
        for doc, frag in zip(documents, files):
            frag.write(doc.head)
        for target, source in pairs:
            colliding = colliding_keys(store, keyed.keyed, keyed.id_part, target, source) \
                if keyed is not None and keyed.keyed is not None else {}
            plan = [(part.path, f"{part.key}:{digest(sorted(colliding[part.path]))}"
                     if part.path in colliding else part.key) for part in part_keys(store, shape, target, source)]
            stale = {path for path, key in plan if not all(frag.holds(path, key) for frag in files)}
            rows = part_rows(store, shape, target, source, sorted(stale))
            progress.expect(len(plan))
            for path, key in plan:
                progress.advance()
                read = next(rows) if path in stale else None
                for doc, frag, total in zip(documents, files, totals):
                    counts = frag.part(path, key, doc.values(total["parts"] + 1),
                                       _renderer(doc, read, colliding.get(path, frozenset()), path))
                    if counts.get("units", 1):  # a part with no row for this document is not one of its parts
                        total["parts"] += 1
                        for field, value in counts.items():
                            total[field] = total.get(field, 0) + value
        outputs: list[Output | None] = []
        for doc, frag, total in zip(documents, files, totals):
            if doc.optional and not total["parts"]:
                frag.discard = True
                outputs.append(None)
            else:
                frag.write(doc.tail)
                outputs.append(doc.output(total))
    return outputs


def _renderer(doc: Document[Any], rows: list[Any] | None, colliding: frozenset[int],
              path: str) -> Callable[[Mapping[str, str]], Rendered]:
    """How ``doc`` renders the part of article ``path`` from ``rows`` (None: not read, as it was
    expected to be copied)."""
    def render(values: Mapping[str, str]) -> Rendered:
        assert rows is not None, f"{path}: not read, yet not copied"
        selected = rows if doc.select is None else [row for row in rows if doc.select(row)]
        return doc.render(Part(selected, values, colliding))
    return render


def _write_stream(stream: Stream, store: Store, out: Path) -> Output:
    """A file written from every unit of its pairs in the stream's order."""
    units: Iterator[UnitRow] = (unit for source, target in stream.pairs for unit in store.units(source, target))
    counts: dict[str, int] = {}
    with atomic_open(out / stream.path, newline="", buffering=1 << 20) as handle:
        for chunk in stream.render(external_sort(units, key=stream.order), counts):
            handle.write(chunk)
    return stream.output(counts)
