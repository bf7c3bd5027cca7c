"""The queries QA runs on the TM, each returning typed rows (:mod:`pipeline.rows`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..core import twin
from ..rows import AnomalyRow, ArticleKey, FileRow, LengthRow, Located, OccurrenceRow, QaUnit, SourceUse, VariantRow
from . import codec
from .read import IN_PATHS, OCCURRENCE, Reader, occurrence_rows

__all__ = ["QaQueries"]

#: A unit as segment checks see it (:meth:`QaQueries.qa_units`).
_QA_UNIT = f"SELECT {codec.QA_UNIT_COLUMNS} FROM units"
#: The units that occur in a locale's articles.
_OF_LOCALE = "SELECT o.unit_id FROM occurrences o JOIN files f ON f.id = o.file_id WHERE f.locale = ?"
#: What the length-ratio check weighs: units that occur, with a long enough source and a target.
#: The ratio must stay the expression of the ``units_by_length_ratio`` index (:mod:`.schema`).
_RATIO = "CAST(length(target_text) AS REAL) / length(source_text)"
_MEASURED = "repetitions > 0 AND length(source_text) >= ? AND length(target_text) > 0"

qa_unit_rows = twin(codec.qa_unit_rows, "pipeline.store.ccodec")


class QaQueries(Reader):
    """The store's QA queries (a mixin of :class:`~pipeline.store.Store`)."""

    def qa_articles(self, locale: str) -> Iterator[ArticleKey]:
        """The articles of ``locale`` that have pairs, in path order."""
        for row in self._rows("SELECT f.path, f.sha256 FROM files f WHERE f.locale = ? AND EXISTS"
                              " (SELECT 1 FROM occurrences o WHERE o.file_id = f.id) ORDER BY f.path", (locale,)):
            yield ArticleKey(*row)

    def qa_units(self, locale: str, paths: list[str] | None = None) -> Iterator[QaUnit]:
        """Each unit that occurs in ``locale``'s articles (only in ``paths``, when given), once: what
        segment checks look at."""
        return qa_unit_rows(self._rows(f"{_QA_UNIT} WHERE id IN ({_OF_LOCALE}{IN_PATHS if paths else ''})",
                                       (locale, json.dumps(paths)) if paths else (locale,)))

    def qa_unit_count(self, locale: str, paths: list[str] | None = None) -> int:
        """How many units :meth:`qa_units` gives."""
        return int(self.db.execute(f"SELECT COUNT(DISTINCT o.unit_id) FROM occurrences o JOIN files f ON f.id = o.file_id"
                                   f" WHERE f.locale = ?{IN_PATHS if paths else ''}",
                                   (locale, json.dumps(paths)) if paths else (locale,)).fetchone()[0])

    def qa_short_source_uses(self, max_chars: int) -> Iterator[SourceUse]:
        """For every source text of at most ``max_chars`` characters that some occurring unit
        has, per target locale: in how many units it is left identical and in how many it is
        translated.  Ordered by source text, then locale."""
        for row in self._rows(
                "SELECT source_text, target_locale, SUM(trim(target_text) = trim(source_text)),"
                " SUM(trim(target_text) != trim(source_text))"
                " FROM units WHERE repetitions > 0 AND length(source_text) BETWEEN 1 AND ? GROUP BY 1, 2 ORDER BY 1, 2",
                (max_chars,)):
            yield SourceUse(*row)

    def qa_occurrences(self, locale: str, paths: list[str] | None = None) -> Iterator[Located]:
        """Where ``locale``'s units occur (in ``paths``, when given), in corpus order (path, then position)."""
        for row in self._rows("SELECT f.path, o.line, o.seg_id, o.unit_id FROM files f"
                              f" JOIN occurrences o ON o.file_id = f.id WHERE f.locale = ?{IN_PATHS if paths else ''}"
                              " ORDER BY f.path, o.seq", (locale, json.dumps(paths)) if paths else (locale,)):
            yield Located(*row)

    def qa_files(self) -> Iterator[FileRow]:
        """Every article with pairs, by path."""
        for row in self._rows("SELECT f.path, f.locale, f.source_commit, COUNT(o.id) FROM files f"
                              " JOIN occurrences o ON o.file_id = f.id GROUP BY f.id ORDER BY f.path"):
            yield FileRow(*row)

    def qa_segments_by_key(self) -> Iterator[OccurrenceRow]:
        """Every occurrence ordered by ``(file, id, position)``, for merging with another TM."""
        return occurrence_rows(self._rows(f"{OCCURRENCE} ORDER BY f.path, o.seg_id, o.seq"), self._article)

    def anomalies(self) -> Iterator[AnomalyRow]:
        """Every anomaly, by file and line."""
        for row in self._rows("SELECT f.locale, f.path, a.line, a.kind, a.message, a.snippet, a.seg_id"
                              " FROM anomalies a JOIN files f ON f.id = a.file_id ORDER BY f.path, a.line"):
            yield AnomalyRow(*row)

    def qa_variants(self, side: str, limit: int) -> Iterator[VariantRow]:
        """The texts of one ``side`` (``source`` or ``target``) that have several other texts in one
        locale, one row per variant (locale, key text, then most frequent first), each with the
        first ``limit`` places it occurs (a negative ``limit``: all of them).

        The key texts with two or more other texts are found first (a grouping pass over the
        texts alone), then only their units are grouped, and each variant's first occurrences
        are numbered by a window over its units' occurrences (a variant of units that no longer
        occur is listed with no place)."""
        key, other = ("source_text", "target_text") if side == "source" else ("target_text", "source_text")
        sql = (f"WITH c AS MATERIALIZED (SELECT u.target_locale AS l, u.{key} AS k FROM units u"
               f"   WHERE trim(u.{key}) != '' GROUP BY 1, 2 HAVING COUNT(DISTINCT u.{other}) > 1),"
               f" v AS MATERIALIZED (SELECT u.target_locale AS l, u.{key} AS k, u.{other} AS o,"
               f"   MIN(u.source_raw) FILTER (WHERE u.repetitions > 0) AS source_raw,"
               f"   MIN(u.target_raw) FILTER (WHERE u.repetitions > 0) AS target_raw,"
               f"   SUM(u.repetitions) FILTER (WHERE u.repetitions > 0) AS n,"
               f"   COUNT(*) FILTER (WHERE u.repetitions > 0) AS live, json_group_array(u.id) AS ids"
               f"   FROM units u CROSS JOIN c ON c.l = u.target_locale AND c.k = u.{key} GROUP BY 1, 2, 3),"
               f" w AS (SELECT v.l, v.k, v.o, v.source_raw, v.target_raw, v.n, f.path, oc.line, oc.seg_id,"
               f"   ROW_NUMBER() OVER (PARTITION BY v.l, v.k, v.o ORDER BY f.path, oc.seq) AS rn"
               f"   FROM v, json_each(v.ids) j LEFT JOIN occurrences oc ON oc.unit_id = j.value"
               f"   LEFT JOIN files f ON f.id = oc.file_id"
               f"   WHERE v.live > 0 AND (f.id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM json_each(v.ids) j2"
               f"     JOIN occurrences o2 ON o2.unit_id = j2.value)))"
               f" SELECT rn, l, k, o, source_raw, target_raw, n, path, line, seg_id"
               f" FROM w WHERE rn <= ? ORDER BY w.l, w.k, w.n DESC, w.o, w.rn")
        most = limit if limit >= 0 else 2 ** 62
        variant: VariantRow | None = None
        for rn, locale, key_text, other_text, source_raw, target_raw, n, path, line, seg_id in self._rows(
                sql, (max(most, 1),)):
            if rn == 1:
                if variant is not None:
                    yield variant
                variant = VariantRow(locale, key_text, other_text, source_raw, target_raw, n, [])
            if path is not None and rn <= most:
                assert variant is not None
                variant.where.append((path, line, seg_id))
        if variant is not None:
            yield variant

    def qa_length_quartiles(self, min_chars: int) -> dict[str, tuple[int, float, float, float]]:
        """Per locale, ``(n, q1, median, q3)`` of the target/source length ratio of its occurrences
        whose source has ``min_chars`` characters or more: each unit weighted by its repetitions,
        the ratios read in order from the ``units_by_length_ratio`` index."""
        totals = dict(self.db.execute(f"SELECT target_locale, SUM(repetitions) FROM units WHERE {_MEASURED}"
                                      " GROUP BY 1", (min_chars,)))
        found = {}
        for locale in sorted(totals):
            n = totals[locale]
            ranks, values, seen = [(n - 1) // 4, (n - 1) // 2, 3 * (n - 1) // 4], [], 0
            # an empty source (min_chars 0) divides by zero: NULL, ranked first
            for ratio, weight in self.db.execute(f"SELECT {_RATIO}, repetitions FROM units"
                                                 f" WHERE target_locale = ? AND {_MEASURED} ORDER BY 1",
                                                 (locale, min_chars)):
                seen += weight
                while ranks and ranks[0] < seen:
                    values.append(ratio)
                    ranks.pop(0)
                if not ranks:
                    break
            found[locale] = (n, values[0], values[1], values[2])
        return found

    def qa_length_outliers(self, locale: str, min_chars: int, low: float, high: float) -> Iterator[LengthRow]:
        """The occurrences of ``locale`` whose length ratio is outside ``low``–``high``, in corpus
        order (SQL compares the ratios, so only outliers are read).  SQLite's ``length()`` stops at
        a NUL character, so texts holding one are read too, for the caller to judge."""
        ratio = _RATIO.replace("target_text", "u.target_text").replace("source_text", "u.source_text")
        sql = ("SELECT f.path, o.line, o.seg_id, u.source_raw, u.target_raw, u.source_text, u.target_text"
               " FROM units u CROSS JOIN occurrences o ON o.unit_id = u.id JOIN files f ON f.id = o.file_id"
               " WHERE u.target_locale = ? AND ((length(u.source_text) >= ? AND length(u.target_text) > 0"
               f"   AND ({ratio} < ? OR {ratio} > ?))"
               "   OR instr(CAST(u.source_text AS BLOB), X'00') + instr(CAST(u.target_text AS BLOB), X'00') > 0)"
               " ORDER BY f.path, o.seq")
        for row in self._rows(sql, (locale, min_chars, low, high)):
            yield LengthRow(*row)
