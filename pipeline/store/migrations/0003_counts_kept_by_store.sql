-- units.repetitions/mt_repetitions are kept by the store (recounted once per run for the units
-- a run touched): triggers rewrote a unit row for every occurrence, the largest cost of writing a TM.
DROP TRIGGER occurrence_added; DROP TRIGGER occurrence_removed
