-- The units no occurrence refers to any more (a partial index, nearly always empty): pruning
-- them after a small write looks them up instead of scanning every unit.
CREATE INDEX units_unused ON units (id) WHERE repetitions <= 0
