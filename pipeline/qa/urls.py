"""URL mismatch: link and image targets differ between source and target.

The locale part of docs URLs (``/en-us/`` → ``/fr-fr/``), the host's case and a
trailing slash are ignored; the order of links is not compared (word order
changes in translation).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from .findings import Finding
from .registry import CheckContext, QaSegment, check
from .text import LOCALE_IN_URL, code_urls, urls_of

__all__ = ["url_mismatch", "normalize_url"]

_HOST = re.compile(r"(?i)^([a-z][a-z0-9+.-]*://)([^/?#]*)")


def normalize_url(url: str) -> str:
    """The URL with its locale part as ``/{locale}/``, the scheme and host in lower case."""
    url = url.strip()
    url = _HOST.sub(lambda m: m.group(1).lower() + m.group(2).lower(), url)
    url = LOCALE_IN_URL.sub("{locale}", url)
    return url[:-1] if url.endswith("/") and url.count("/") > 3 else url


@check("url-mismatch", severity="error")
def url_mismatch(seg: QaSegment, ctx: CheckContext) -> Iterator[Finding]:
    """Link or image URLs differ between source and target (the locale part aside)."""
    both = seg.row.source_raw + seg.row.target_raw
    if "](" not in both and "://" not in both and "href" not in both and "src" not in both and "<" not in both:
        return
    if seg.row.source_raw == seg.row.target_raw:
        return  # the same text has the same URLs
    source = Counter(normalize_url(u) for u in urls_of(seg.source))
    # bare URLs are read from text runs, which need parsing; without "://" in the text there are none
    target_urls = urls_of(seg.target) if "://" in seg.row.target_text else code_urls(seg.target_codes)
    target = Counter(normalize_url(u) for u in target_urls)
    if source == target:
        return
    missing, extra = sorted((source - target).elements()), sorted((target - source).elements())
    parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"extra {', '.join(extra)}"] if extra else [])
    yield seg.finding(ctx, "URLs differ: " + "; ".join(parts), missing=missing, extra=extra)
