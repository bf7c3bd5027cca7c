"""Helpers for the export tests: grammars, read-back with real readers, expected texts."""
