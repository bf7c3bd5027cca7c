-- Units by source text, for the queries that look units up by text (QA's consistency groups):
-- without it each lookup scans every unit of the locale.
CREATE INDEX units_by_source_text ON units (target_locale, source_text)
