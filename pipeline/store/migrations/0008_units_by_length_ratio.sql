-- Units by locale and target/source length ratio (with what length-ratio filters and weighs by,
-- and whether a text holds a NUL, where SQLite's length() stops): a locale's quartiles are read in
-- order from the index. The expression must stay the one the queries use (store/qa.py).
CREATE INDEX units_by_length_ratio ON units (target_locale, CAST(length(target_text) AS REAL) / length(source_text), length(source_text), length(target_text), repetitions, instr(CAST(source_text AS BLOB), X'00') + instr(CAST(target_text AS BLOB), X'00'))
