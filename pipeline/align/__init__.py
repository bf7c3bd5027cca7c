"""The aligner: sentence pairs from a plain localized article and its English source.

Articles without side-by-side spans are aligned against the English article they were
translated from (:mod:`.source` finds and reads it); :mod:`.article` does the aligning.
"""

from .article import align_texts
from .score import REVIEW_BELOW

__all__ = ["align_texts", "REVIEW_BELOW"]
