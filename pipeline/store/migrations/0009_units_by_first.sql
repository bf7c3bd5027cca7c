-- Units by their first occurrence, with their keys and counts: what each article's units are is
-- read from the index alone (Store.unit_stamps), one article's units found by their first occurrences.
CREATE INDEX units_by_first ON units (source_locale, target_locale, first, key, repetitions, mt_repetitions)
