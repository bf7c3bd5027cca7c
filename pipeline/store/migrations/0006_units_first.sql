-- Each unit's first occurrence in corpus order (path, then position), the one its provenance
-- comes from, kept by the store like the counts.
ALTER TABLE units ADD COLUMN first INTEGER; UPDATE units SET first = (SELECT o.id FROM occurrences o JOIN files f ON f.id = o.file_id WHERE o.unit_id = units.id ORDER BY f.path, o.seq LIMIT 1)
