"""A benchmark corpus of a chosen size, generated from real articles.

Principles:

1. The seed articles are read in place (``../shared/corpus-dev``, else the
   bundled ``corpus/``) and never copied into the repository; the generated
   corpus goes to a temporary folder.
2. Copy ``k`` of a seed lives at ``cNNN/<seed path>``, so it keeps the seed's
   locale folder and front matter and every copy is a distinct article.
3. Copies are perturbed so they are not duplicates: segment ids get a new
   5-hex prefix per copy, and most pairs get one word of their target and of
   their source changed (the letters of one plain word rotated), so the
   TM grows with the corpus as it would with new articles.  Both texts of a
   pair change or neither, and one number picks both changes, so two copies
   that change a source alike change its translation alike (a source with
   several translations, or a translation of several sources, would be an
   inconsistency real corpora rarely hold: picking each side's change apart
   made about 30,000 of them at 50 MB, against about 240 in the whole dev
   corpus); about one pair in five is left as it was, as real doc sets repeat
   boilerplate.
4. Only words outside markup are touched (those after the last markup character
   or before the first), so every span pair, inline code and anomaly of the
   seed is still there, in the same shape.
5. Generation is deterministic: the same seeds and size give the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GeneratedCorpus", "generate", "seed_root", "seed_files", "perturb", "touch"]

ROOT = Path(__file__).resolve().parent.parent
SHARED_SEEDS = ROOT.parent / "shared" / "corpus-dev"
BUNDLED_SEEDS = ROOT / "corpus"

_ID = re.compile(r'(data-(?:ttu|stu)-id=(?:"|&quot;))([0-9a-fA-F]{5})(-p?\d+)')
_INNER = r"((?:[^<]|<(?!/?span\b))*)"  # a span's text: any markup but nested spans
_PAIR = re.compile(
    r'(<span data-ttu-id="[^"<>]+">)' + _INNER + r'(</span><span class="sxs-lookup"><span data-stu-id="[^"<>]+">)'
    + _INNER + r"(</span></span>)")
_MARKUP = re.compile(r"[<>\[\]()*_`!\\&|{}#~]")
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True, slots=True)
class GeneratedCorpus:
    """Where a generated corpus is and what it holds."""

    root: Path
    """The folder to pass to the tools."""
    files: int
    """Articles written."""
    bytes: int
    """Their total size."""
    seed: Path
    """The folder the seed articles came from."""
    copies: int
    """How many (partial) passes over the seeds were made."""


def seed_root() -> Path:
    """The dev corpus when ``../shared`` is there, else the project's own ``corpus/``."""
    return SHARED_SEEDS if SHARED_SEEDS.is_dir() else BUNDLED_SEEDS


def seed_files(root: Path) -> list[Path]:
    """Articles under ``root`` that hold span pairs, in sorted order."""
    found = []
    for path in sorted(root.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        if b"data-ttu-id=" in path.read_bytes():
            found.append(path)
    return found


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b("\0".join(map(str, parts)).encode(), digest_size=8).digest()


def _rotations(text: str) -> list[str]:
    """Every text with the letters of one plain word rotated, in a fixed order: the words after
    the last markup character (last first), then those before the first one; each word's
    rotations by 1, 2… letters (a rotation that gives the same word is left out)."""
    marks = [m.start() for m in _MARKUP.finditer(text)]
    tail = list(_WORD.finditer(text, marks[-1] + 1 if marks else 0))
    head = list(_WORD.finditer(text, 0, marks[0])) if marks else []
    found = []
    for word in [*reversed(tail), *head]:
        letters = word.group()
        for shift in range(1, len(letters)):
            rotated = letters[shift:] + letters[:shift]
            if rotated != letters:
                found.append(text[:word.start()] + rotated + text[word.end():])
    return found


def _rotate_pair(match: re.Match[str], salt: str) -> str:
    """A pair with both texts changed, or unchanged when either has no word to change (a new
    source always comes with a new translation).  The same rotation number picks both sides'
    changes, so a changed source always comes with the same changed translation and the other
    way round: copies whose changes coincide repeat a pair, they never make an inconsistency."""
    targets, sources = _rotations(match.group(2)), _rotations(match.group(4))
    if not targets or not sources:
        return match.group()
    number = int.from_bytes(_digest(salt)[:4], "big") % min(len(targets), len(sources))
    return match.group(1) + targets[number] + match.group(3) + sources[number] + match.group(5)


def perturb(text: str, copy: int) -> str:
    """Copy ``copy`` of an article's text: new id prefixes, changed words (see the module principles)."""
    if copy == 0:
        return text

    def new_id(match: re.Match[str]) -> str:
        prefix = _digest(match.group(2), copy).hex()[:5]
        return match.group(1) + prefix + match.group(3)

    counter = iter(range(1 << 30))

    def new_words(match: re.Match[str]) -> str:
        n = next(counter)
        if _digest(copy, n)[1] % 5 == 0:
            return match.group()
        return _rotate_pair(match, f"{copy}:{n}")

    return _ID.sub(new_id, _PAIR.sub(new_words, text))


def _copies(seeds: list[Path]) -> Iterator[tuple[int, Path]]:
    copy = 0
    while True:
        for path in seeds:
            yield copy, path
        copy += 1


def generate(dest: Path, megabytes: float, seed: Path | None = None) -> GeneratedCorpus:
    """Write articles under ``dest`` until they total at least ``megabytes`` MB (10^6 bytes)."""
    seed = seed or seed_root()
    seeds = seed_files(seed)
    if not seeds:
        raise SystemExit(f"bench: no articles with span pairs under {seed}")
    target = int(megabytes * 1_000_000)
    texts: dict[Path, str] = {}
    written = files = copies = 0
    dest.mkdir(parents=True, exist_ok=True)
    for copy, path in _copies(seeds):
        if written >= target:
            break
        if path not in texts:
            texts[path] = path.read_bytes().decode("utf-8", "surrogateescape")
        data = perturb(texts[path], copy).encode("utf-8", "surrogateescape")
        out = dest / f"c{copy:03d}" / path.relative_to(seed)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        written += len(data)
        files += 1
        copies = copy + 1
    return GeneratedCorpus(dest, files, written, seed, copies)


def touch(root: Path, fraction: float = 0.01, locale: str | None = None) -> list[Path]:
    """Edit ``fraction`` of the articles under ``root`` in place (one word per side of each pair).

    Every ``1/fraction``-th article in sorted order is picked (at least one); when
    one has no pair that can change, the first article not picked stands in.  With
    ``locale``, only articles in a folder of that name are picked (a hand-off of one
    language), still ``fraction`` of the whole corpus.  Returns the articles changed.
    """
    everything = sorted(root.rglob("*.md"))
    wanted = max(1, round(len(everything) * fraction))
    paths = [p for p in everything if locale in p.relative_to(root).parts] if locale else everything
    picked = paths[::max(1, len(paths) // wanted)]
    others = sorted(set(paths) - set(picked))
    changed: list[Path] = []
    for path in picked + others:
        if len(changed) == wanted:
            break
        data = path.read_bytes()
        text = data.decode("utf-8", "surrogateescape")
        counter = iter(range(1 << 30))

        def edit(match: re.Match[str]) -> str:
            return _rotate_pair(match, f"edit:{next(counter)}")

        new = _PAIR.sub(edit, text).encode("utf-8", "surrogateescape")
        if new != data:
            path.write_bytes(new)
            changed.append(path)
    return changed
