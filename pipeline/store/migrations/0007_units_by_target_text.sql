-- Units by target text, for the same lookups from the other side (inconsistent-source).
CREATE INDEX units_by_target_text ON units (target_locale, target_text)
