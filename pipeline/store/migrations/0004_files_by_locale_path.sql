-- A locale's files in path order: every reader walks them so.
CREATE INDEX files_by_locale_path ON files (locale, path)
