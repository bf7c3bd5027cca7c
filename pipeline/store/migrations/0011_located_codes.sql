-- Inline codes are stored with their place in the raw text ([start, end, kind, type, pair],
-- store/codec.py), so readers rebuild each segment's runs without parsing it again; pairs carry
-- their origin (span/aligned) and the aligner's score. Codes stored before held no place: their
-- units are dropped and every article is read again by the next build.
ALTER TABLE occurrences ADD COLUMN origin TEXT NOT NULL DEFAULT 'span';
ALTER TABLE occurrences ADD COLUMN score REAL;
DELETE FROM occurrences;
DELETE FROM units;
UPDATE files SET sha256 = '', stat = NULL;
DROP VIEW segments;
CREATE VIEW segments AS
SELECT f.locale AS locale, f.path AS file, o.line AS line, o.end_line AS end_line,
       o.seg_id AS id, u.source_raw, u.target_raw, u.source_text, u.target_text,
       f.translation_type, f.source_commit, f.locfileid, f.lasthandoff, f.source_locale,
       u.id AS unit_id, o.seq AS seq, o.origin AS origin, o.score AS score
FROM occurrences o JOIN files f ON f.id = o.file_id JOIN units u ON u.id = o.unit_id
