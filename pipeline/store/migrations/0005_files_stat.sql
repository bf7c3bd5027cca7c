-- The file status (size, times, inode) an article had when it was read: while it is the same,
-- a build trusts the stored content hash without reading the file.
ALTER TABLE files ADD COLUMN stat TEXT
