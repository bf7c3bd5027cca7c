-- The corpus roots of the last build, by the prefix of their articles' paths (empty for one root):
-- source-drift matches an article to its English without the root's folder name.
CREATE TABLE roots (prefix TEXT PRIMARY KEY, path TEXT NOT NULL)
