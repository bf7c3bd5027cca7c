-- The first schema: files, units, occurrences, anomalies, unpaired, and the segments view.
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    locale TEXT NOT NULL,
    source_locale TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    occurrences INTEGER NOT NULL,
    translation_type TEXT,
    source_commit TEXT,
    openlocfilehash TEXT,
    locfileid TEXT,
    lasthandoff TEXT,
    extracted_at TEXT NOT NULL
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    key BLOB NOT NULL UNIQUE,
    source_locale TEXT NOT NULL,
    target_locale TEXT NOT NULL,
    source_raw TEXT NOT NULL,
    target_raw TEXT NOT NULL,
    source_text TEXT NOT NULL,
    target_text TEXT NOT NULL,
    source_codes TEXT NOT NULL,
    target_codes TEXT NOT NULL,
    repetitions INTEGER NOT NULL DEFAULT 0,
    mt_repetitions INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX units_by_locale ON units (target_locale, source_locale);
CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    seq INTEGER NOT NULL,
    seg_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    end_line INTEGER NOT NULL
);
CREATE INDEX occurrences_by_file ON occurrences (file_id, seq);
CREATE INDEX occurrences_by_unit ON occurrences (unit_id);
CREATE TABLE anomalies (
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files (id), line INTEGER NOT NULL,
    kind TEXT NOT NULL, message TEXT NOT NULL, snippet TEXT NOT NULL, seg_id TEXT, ttu INTEGER NOT NULL
);
CREATE INDEX anomalies_by_file ON anomalies (file_id);
CREATE TABLE unpaired (
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files (id), field TEXT NOT NULL,
    text TEXT NOT NULL, line INTEGER NOT NULL
);
CREATE INDEX unpaired_by_file ON unpaired (file_id);
CREATE TRIGGER occurrence_added AFTER INSERT ON occurrences BEGIN
    UPDATE units SET repetitions = repetitions + 1,
        mt_repetitions = mt_repetitions
            + (SELECT translation_type IS 'MT' FROM files WHERE id = NEW.file_id)
    WHERE id = NEW.unit_id;
END;
CREATE TRIGGER occurrence_removed AFTER DELETE ON occurrences BEGIN
    UPDATE units SET repetitions = repetitions - 1,
        mt_repetitions = mt_repetitions
            - (SELECT translation_type IS 'MT' FROM files WHERE id = OLD.file_id)
    WHERE id = OLD.unit_id;
END;
CREATE VIEW segments AS
SELECT f.locale AS locale, f.path AS file, o.line AS line, o.end_line AS end_line,
       o.seg_id AS id, u.source_raw, u.target_raw, u.source_text, u.target_text,
       f.translation_type, f.source_commit, f.locfileid, f.lasthandoff, f.source_locale,
       u.id AS unit_id, o.seq AS seq
FROM occurrences o JOIN files f ON f.id = o.file_id JOIN units u ON u.id = o.unit_id;
