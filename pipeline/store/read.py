"""Reading the TM: typed rows (:mod:`pipeline.rows`) for exporters, tables and counts.

Everything streams: a query's rows are turned into row objects one at a time, and the
occurrences of an article share one :class:`~pipeline.rows.ArticleRow`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..core import twin
from ..rows import ArticleRow, ArticleStamp, OccurrenceKey, OccurrenceRow, UnitRow, UnitStamp
from . import codec

__all__ = ["IN_PATHS", "OCCURRENCE", "Reader", "occurrence_rows", "unit_rows"]

#: An occurrence with its unit (the columns :func:`~.codec.occurrence_rows` reads), ``f`` its article.
OCCURRENCE = (f"SELECT {codec.OCCURRENCE_COLUMNS}"
              " FROM files f JOIN occurrences o ON o.file_id = f.id JOIN units u ON u.id = o.unit_id")
#: A unit with its first occurrence ``o`` and that one's article ``f`` (:func:`~.codec.unit_rows`).
_UNIT = f"SELECT {codec.UNIT_COLUMNS}"
#: Restricts a query on ``files f`` to the paths of a JSON list (read in path order, by the
#: list's own index: as fast as a scan of the locale, when every path is on the list).
IN_PATHS = " AND f.path IN (SELECT value FROM json_each(?))"
_UNIT_FROM = " FROM units u JOIN occurrences o ON o.id = u.first JOIN files f ON f.id = o.file_id"
#: One article's units by their first occurrences there (``units_by_first``).
_UNIT_OF_ARTICLE = (" FROM files f CROSS JOIN occurrences o ON o.file_id = f.id"
                    " CROSS JOIN units u ON u.source_locale = ? AND u.target_locale = ? AND u.first = o.id")
#: An article's row, by id.
_ARTICLE = ("SELECT path, locale, source_locale, sha256, translation_type, source_commit, locfileid, lasthandoff"
            " FROM files WHERE id = ?")

occurrence_rows = twin(codec.occurrence_rows, "pipeline.store.ccodec")
unit_rows = twin(codec.unit_rows, "pipeline.store.ccodec")


Row = TypeVar("Row", OccurrenceRow, UnitRow)


def _of_locale(target_locale: str, source_locale: str | None) -> tuple[str, tuple[str, ...]]:
    """The condition on ``files f`` of a locale's articles (and source locale)."""
    if source_locale is None:
        return "f.locale = ?", (target_locale,)
    return "f.locale = ? AND f.source_locale = ?", (target_locale, source_locale)


def _by_article(paths: list[str], read: Callable[[str], Iterator[Row]]) -> Iterator[list[Row]]:
    """The rows of each article of ``paths``, in path order (an empty list for one without
    rows), from one query: ``read`` is given the paths as a JSON list (:data:`IN_PATHS`)."""
    wanted = sorted(set(paths))
    groups = itertools.groupby(read(json.dumps(wanted)), key=lambda row: row.article.path)
    path, group = next(groups, (None, None))
    for each in wanted:
        if each == path:
            assert group is not None
            yield list(group)
            path, group = next(groups, (None, None))
        else:
            yield []


class Reader:
    """The store's reading half for exports and counts (a mixin of :class:`~pipeline.store.Store`)."""

    db: sqlite3.Connection

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[Any]:
        """Stream a query's rows. Unlike ``yield from cursor``, closing the generator after the
        connection was closed (an interrupted build) does not raise."""
        for row in self.db.execute(sql, args):
            yield row

    def _article(self, file_id: int) -> ArticleRow:
        """The row of the article with this id (rows of one article share it: see :mod:`.codec`)."""
        return ArticleRow(*self.db.execute(_ARTICLE, (file_id,)).fetchone())

    # -- what the TM holds -----------------------------------------------------

    def locales(self) -> list[str]:
        """The articles' locales, sorted (the order of :meth:`segments`)."""
        return [locale for (locale,) in self.db.execute("SELECT DISTINCT locale FROM files ORDER BY locale")]

    def locale_pairs(self) -> list[tuple[str, str]]:
        """``(source_locale, target_locale)`` pairs present in the TM, sorted by target, then source."""
        return [(source, target) for source, target in self.db.execute(
            "SELECT DISTINCT source_locale, target_locale FROM units ORDER BY 2, 1")]

    def file_hashes(self) -> Iterator[tuple[str, str, str]]:
        """``(locale, path, sha256)`` of every article, by locale and path."""
        return self._rows("SELECT locale, path, sha256 FROM files ORDER BY locale, path")

    def known_hashes(self) -> dict[str, str]:
        """``{path: sha256}`` of every article in the TM."""
        return dict(self.db.execute("SELECT path, sha256 FROM files"))

    def input_fingerprint(self) -> str:
        """A digest of every article's path and content hash: the identity of a build's input."""
        digest = hashlib.sha256()
        for path, sha in self._rows("SELECT path, sha256 FROM files ORDER BY path"):
            digest.update(f"{path}\0{sha}\n".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def pairs_by_locale(self) -> dict[str, int]:
        """``{target locale: pairs}`` (occurrences of units)."""
        return dict(self.db.execute(
            "SELECT f.locale, COUNT(*) FROM occurrences o JOIN files f ON f.id = o.file_id GROUP BY 1"))

    #: The per-locale and total counts of :meth:`summary`.
    SUMMARY_COUNTS = ("files", "occurrences", "pairs", "anomalies", "occurrences_in_anomalies", "units", "mt_units")

    def summary(self) -> dict[str, Any]:
        """Counts for the manifest, per locale and in all: files, occurrences, pairs, anomalies (each
        one: they add up to ``anomalies_by_kind``), the occurrences those anomalies hold (so that
        ``occurrences = pairs + occurrences_in_anomalies``), units and machine-translation-only
        units; ``locale_from``: how many articles took their locale from their corpus root (or none)."""
        by_locale: dict[str, dict[str, Any]] = {}
        for locale, files, occurrences in self.db.execute(
                "SELECT locale, COUNT(*), SUM(occurrences) FROM files GROUP BY locale ORDER BY locale"):
            by_locale[locale] = dict.fromkeys(self.SUMMARY_COUNTS, 0)
            by_locale[locale].update(files=files, occurrences=occurrences)
        for locale, pairs in self.pairs_by_locale().items():
            by_locale[locale]["pairs"] = pairs
        for locale, anomalies, ttu in self.db.execute(
                "SELECT f.locale, COUNT(*), SUM(a.ttu) FROM anomalies a JOIN files f ON f.id = a.file_id GROUP BY 1"):
            by_locale[locale].update(anomalies=anomalies, occurrences_in_anomalies=ttu)
        for locale, units, mt_units in self.db.execute(
                "SELECT target_locale, COUNT(*), COUNT(*) FILTER (WHERE mt_repetitions = repetitions)"
                " FROM units GROUP BY 1"):
            by_locale.setdefault(locale, dict.fromkeys(self.SUMMARY_COUNTS, 0)).update(units=units, mt_units=mt_units)
        kinds = dict(self.db.execute("SELECT kind, COUNT(*) FROM anomalies GROUP BY kind ORDER BY kind"))
        total = {key: sum(v.get(key, 0) or 0 for v in by_locale.values()) for key in self.SUMMARY_COUNTS}
        borrowed = dict(self.db.execute(
            "SELECT locale_from, COUNT(*) FROM files WHERE locale_from IS NOT NULL AND locale_from != 'article'"
            " GROUP BY 1 ORDER BY 1"))
        return {**total, "anomalies_by_kind": kinds, "by_locale": by_locale, "locale_from": borrowed}

    def unit_count(self) -> int:
        """How many units the TM holds."""
        return int(self.db.execute("SELECT COUNT(*) FROM units").fetchone()[0])

    def has_pairs(self) -> bool:
        """Whether the TM holds at least one pair."""
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM occurrences)").fetchone()[0])

    # -- the locales of articles that name none --------------------------------

    def own_locales(self, prefix: str = "") -> list[str]:
        """The locales the articles whose paths start with ``prefix`` name themselves, sorted."""
        return [locale for (locale,) in self.db.execute(
            "SELECT DISTINCT locale FROM files WHERE substr(path, 1, ?) = ? AND locale != 'und'"
            " AND (locale_from IS NULL OR locale_from = 'article') ORDER BY 1", (len(prefix), prefix))]

    def borrowed_locales(self, prefix: str = "") -> dict[str, tuple[str, str]]:
        """``{path: (locale, locale_from)}`` of the articles under ``prefix`` that name no locale."""
        return {path: (locale, source) for path, locale, source in self.db.execute(
            "SELECT path, locale, locale_from FROM files WHERE substr(path, 1, ?) = ?"
            " AND locale_from IS NOT NULL AND locale_from != 'article'", (len(prefix), prefix))}

    def root_prefixes(self) -> list[str]:
        """What the articles' paths start with, one per corpus root (``[""]`` for a single root)."""
        return [prefix for (prefix,) in self.db.execute("SELECT prefix FROM roots ORDER BY prefix")] or [""]

    # -- occurrences, by article -----------------------------------------------

    def article_stamps(self, target_locale: str, source_locale: str | None = None) -> Iterator[ArticleStamp]:
        """Each article of the locale (and source locale) that has pairs, in path order (the order
        of :meth:`segments`), with the units of its occurrences, without their texts."""
        where, args = ("f.locale = ?", (target_locale,)) if source_locale is None else \
            ("f.locale = ? AND f.source_locale = ?", (target_locale, source_locale))
        rows = self._rows(f"SELECT f.path, f.sha256, o.unit_id FROM files f JOIN occurrences o ON o.file_id = f.id"
                          f" WHERE {where} ORDER BY f.path, o.seq", args)
        for (path, sha), group in itertools.groupby(rows, key=lambda row: row[:2]):
            yield ArticleStamp(path, sha, [row[2] for row in group])

    def segment_ids(self, target_locale: str, source_locale: str | None = None) -> Iterator[tuple[str, int]]:
        """Each segment id of the locale's occurrences, with how many occurrences have it."""
        where, args = _of_locale(target_locale, source_locale)
        return self._rows(f"SELECT o.seg_id, COUNT(*) FROM files f JOIN occurrences o ON o.file_id = f.id"
                          f" WHERE {where} GROUP BY o.seg_id", args)

    def occurrence_keys(self, target_locale: str, source_locale: str | None = None,
                        seg_ids: list[str] | None = None) -> Iterator[OccurrenceKey]:
        """The segment id and source of every occurrence (with one of ``seg_ids``, when given), in
        :meth:`segments` order (no decoding)."""
        where, args = _of_locale(target_locale, source_locale)
        if seg_ids is not None:
            where, args = f"{where} AND o.seg_id IN (SELECT value FROM json_each(?))", (*args, json.dumps(seg_ids))
        for row in self._rows(f"SELECT f.path, o.seg_id, u.source_raw FROM files f JOIN occurrences o"
                              f" ON o.file_id = f.id JOIN units u ON u.id = o.unit_id WHERE {where}"
                              f" ORDER BY f.path, o.seq", args):
            yield OccurrenceKey(*row)

    def article_occurrences(self, target_locale: str, paths: list[str],
                            source_locale: str | None = None) -> Iterator[list[OccurrenceRow]]:
        """The occurrences of each article in ``paths`` (one list per article, in path order)."""
        where, args = ("f.locale = ?", [target_locale]) if source_locale is None else \
            ("f.locale = ? AND f.source_locale = ?", [target_locale, source_locale])
        return _by_article(paths, lambda chosen: occurrence_rows(self._rows(
            f"{OCCURRENCE} WHERE {where}{IN_PATHS} ORDER BY f.path, o.seq", (*args, chosen)), self._article))

    def segments(self, target_locale: str | None = None, source_locale: str | None = None) -> Iterator[OccurrenceRow]:
        """Every occurrence (of one locale, and source locale) in corpus order: locale, path, position.

        One query per locale: each walks its files in path order (``files_by_locale_path``)."""
        for locale in [target_locale] if target_locale else self.locales():
            if source_locale is None:
                rows = self._rows(f"{OCCURRENCE} WHERE f.locale = ? ORDER BY f.path, o.seq", (locale,))
            else:
                rows = self._rows(f"{OCCURRENCE} WHERE f.locale = ? AND f.source_locale = ? ORDER BY f.path, o.seq",
                                  (locale, source_locale))
            yield from occurrence_rows(rows, self._article)

    # -- units, by the article of their first occurrence -------------------------

    def unit_stamps(self, source_locale: str, target_locale: str) -> Iterator[UnitStamp]:
        """The units of a locale pair in :meth:`units` order, without their texts (read from the
        ``units_by_first`` index)."""
        for row in self._rows(
                "SELECT f.path, f.sha256, o.seq, u.key, u.repetitions, u.mt_repetitions, u.id"
                f"{_UNIT_FROM} WHERE u.source_locale = ? AND u.target_locale = ? ORDER BY f.path, o.seq",
                (source_locale, target_locale)):
            yield UnitStamp(*row)

    def units(self, source_locale: str, target_locale: str) -> Iterator[UnitRow]:
        """The units of one locale pair, in order of first occurrence."""
        return unit_rows(self._rows(f"{_UNIT}{_UNIT_FROM} WHERE u.source_locale = ? AND u.target_locale = ?"
                                    " ORDER BY f.path, o.seq", (source_locale, target_locale)), self._article)

    def article_units(self, source_locale: str, target_locale: str, paths: list[str]) -> Iterator[list[UnitRow]]:
        """The units first seen in each article of ``paths`` (one list per article, in path order)."""
        return _by_article(paths, lambda chosen: unit_rows(self._rows(
            f"{_UNIT}{_UNIT_OF_ARTICLE} WHERE f.locale = ?{IN_PATHS} ORDER BY f.path, o.seq",
            (source_locale, target_locale, target_locale, chosen)), self._article))
