"""tmpipe: translation memories, exports and QA from side-by-side localized Markdown."""

__version__ = "0.1.0"
__all__ = ["__version__"]
