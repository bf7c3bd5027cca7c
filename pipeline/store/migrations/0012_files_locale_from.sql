-- Where an article's locale comes from: the article itself, else its corpus root (--locale, its folder's
-- name, its other articles), or none (und): a locale borrowed from the root can be settled again.
ALTER TABLE files ADD COLUMN locale_from TEXT
