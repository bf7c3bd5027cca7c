"""Front matter and locale detection."""

from __future__ import annotations

import pytest

from pipeline.extract import extract_bytes
from pipeline.extract.frontmatter import read_front_matter
from pipeline.locales import locale_from_path, normalize_tag

ARTICLE = """---
title: Impossible de se connecter
description: Découvrez comment faire.
ms.openlocfilehash: b60b86bec70b5c33d65532599fa0421604d9ba12
ms.sourcegitcommit: e8e8362d2777d25efac3e1076af5939765ed13d0
ms.translationtype: MT
ms.contentlocale: fr-fr
ms.lasthandoff: 03/20/2021
ms.locfileid: "104712883"
---
<span data-ttu-id="7ccd2-106">Bonjour</span><span class="sxs-lookup"><span data-stu-id="7ccd2-106">Hello</span></span>
"""


def test_metadata_is_read_as_strings() -> None:
    doc = extract_bytes(ARTICLE.encode(), "articles/x.md")
    meta = doc.meta
    assert (meta.locale, meta.translation_type, meta.locfileid, meta.lasthandoff) == (
        "fr-FR", "MT", "104712883", "03/20/2021")
    assert meta.source_commit == "e8e8362d2777d25efac3e1076af5939765ed13d0"
    assert meta.openlocfilehash == "b60b86bec70b5c33d65532599fa0421604d9ba12"
    assert doc.pairs[0].line == 11


def test_title_and_description_are_unpaired_not_pairs() -> None:
    doc = extract_bytes(ARTICLE.encode(), "x.md")
    assert [(u.field, u.text, u.line) for u in doc.unpaired] == [
        ("title", "Impossible de se connecter", 2), ("description", "Découvrez comment faire.", 3)]
    assert [p.id for p in doc.pairs] == ["7ccd2-106"]


def test_locale_falls_back_to_the_folder() -> None:
    text = ARTICLE.replace("ms.contentlocale: fr-fr\n", "")
    assert extract_bytes(text.encode(), "ja-jp/articles/x.md").meta.locale == "ja-JP"
    assert extract_bytes(text.encode(), "articles/x.ar-SA.md").meta.locale == "ar-SA"
    doc = extract_bytes(text.encode(), "articles/x.md")
    assert doc.meta.locale == "und"
    assert [a.kind for a in doc.anomalies] == ["locale"]


@pytest.mark.parametrize("tag, expected", [
    ("fr-fr", "fr-FR"), ("ZH-cn", "zh-CN"), ("sr-latn-rs", "sr-Latn-RS"), ("zh_hans", "zh-Hans"), ("es-419", "es-419"),
])
def test_tags_are_normalised(tag: str, expected: str) -> None:
    assert normalize_tag(tag) == expected


def test_outermost_locale_folder_wins_and_words_are_not_locales() -> None:
    assert locale_from_path(["supplement", "fr-FR", "how-to", "x.md"]) == "fr-FR"
    assert locale_from_path(["docs", "unable-to-sign-in.md"]) is None


def test_yaml_error_is_an_anomaly_with_its_line() -> None:
    front = read_front_matter("---\ntitle: a\nbad: [unclosed\n---\nbody\n")
    assert [(a.kind, a.line) for a in front.anomalies] == [("front-matter", 4)]
    assert "YAML does not parse" in front.anomalies[0].message


def test_unterminated_front_matter_is_reported_and_pairs_still_read() -> None:
    text = "---\ntitle: a\n" + ARTICLE.split("---\n", 2)[2]
    doc = extract_bytes(text.encode(), "fr-FR/x.md")
    assert [a.kind for a in doc.anomalies] == ["front-matter"]
    assert len(doc.pairs) == 1


def test_encodings() -> None:
    body = ARTICLE.encode()
    assert extract_bytes(b"\xef\xbb\xbf" + body, "x.md").meta.locale == "fr-FR"
    assert len(extract_bytes("\ufeff".encode("utf-16-le") + ARTICLE.encode("utf-16-le"), "x.md").pairs) == 1
    bad = extract_bytes(body.replace("Bonjour".encode(), b"Bon\xffjour"), "x.md")
    assert [(a.kind, a.line) for a in bad.anomalies] == [("encoding", 11)]
    assert bad.pairs[0].target.raw == "Bon\ufffdjour"
    binary = extract_bytes(bytes(range(256)) * 4 + b"data-ttu-id=", "x.md")
    assert [a.kind for a in binary.anomalies] == ["binary"] and binary.occurrences == 0
    stray = extract_bytes(ARTICLE.replace("Bonjour", "Bon\x00jour").encode(), "x.md")
    assert [(a.kind, a.line) for a in stray.anomalies] == [("illegal-char", 11)], "a stray NUL is text"
