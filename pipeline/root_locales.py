"""The locale of articles that name none, settled once a corpus root's articles are in the TM.

An article without ``ms.contentlocale``, a locale folder or a file name suffix (an include
file, a TOC) takes its corpus root's locale: ``--locale``, else the root's or an ancestor's
folder name (:func:`pipeline.corpus.corpus_roots`), else the locale the root's other articles
name, when they all name the same one.  The first two are known before extraction; the last
only after it, so :func:`settle` extracts again the few articles whose locale it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from .corpus import Root, Source
from .model import NO_LOCALE
from .store import DocRows, Store

__all__ = ["FROM_ARTICLES", "root_locale", "settle"]

#: ``DocumentMeta.locale_from`` of an article whose locale its root's other articles agree on.
FROM_ARTICLES = "other articles"


def root_locale(root: Root, store: Store) -> Root:
    """``root`` with the locale its articles that name none take (the other articles' when they
    agree and nothing else says; unchanged otherwise)."""
    if root.locale is not None:
        return root
    own = store.own_locales(root.prefix)
    return replace(root, locale=own[0], locale_from=FROM_ARTICLES) if len(own) == 1 else root


def settle(roots: Sequence[Root], store: Store, walk: Callable[[Sequence[Root]], Iterable[Source]],
           extract: Callable[[Source], DocRows | object]) -> int:
    """Extract again the articles whose borrowed locale is not their root's any more; returns how many.

    ``walk`` lists a root's articles (the same walk as the run's); ``extract`` turns one into rows."""
    settled = [root_locale(root, store) for root in roots]
    stale: dict[str, Root] = {}
    for root in settled:
        wanted = (root.locale or "und", root.locale_from or NO_LOCALE)
        stale.update((path, root) for path, got in store.borrowed_locales(root.prefix).items() if got != wanted)
    if not stale:
        return 0
    done = 0
    for source in walk([root for root in settled if root in stale.values()]):
        if source.rel in stale:
            rows = extract(replace(source, root=stale[source.rel]))
            if isinstance(rows, DocRows):
                store.put_rows(rows)
                done += 1
    return done
