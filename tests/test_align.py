"""The aligner on small synthetic Markdown: blocks, units, sentence rules, merges, findings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pipeline.align import REVIEW_BELOW, align_texts
from pipeline.align.blocks import blocks
from pipeline.align.gale import align
from pipeline.align.sentences import boundaries
from pipeline.align.source import EnglishSource, extract_aligned
from pipeline.align.units import pieces, units

from conftest import ROOT, run_tmpipe

FIXTURE = ROOT / "tests" / "fixtures" / "align"


def unit_texts(markdown: str, locale: str = "en-US", strict: bool = True) -> list[str]:
    found = []
    for block in blocks(markdown):
        for start, end in pieces(block.text, block.kind):
            found += [block.text[a:b] for a, b in units(block.text, start, end, locale, strict=strict)]
    return found


def split(text: str, locale: str = "en-US", strict: bool = True) -> list[str]:
    cuts = [0, *boundaries(text, locale, strict=strict), len(text)]
    return [text[a:b].strip() for a, b in zip(cuts, cuts[1:])]


# --- blocks -----------------------------------------------------------------------------------

def test_each_block_kind_and_what_is_left_out() -> None:
    markdown = "\n".join([
        "---", "title: Hidden", "ms.topic: article", "---",
        "# <a name=\"top\"></a>Heading one",
        "", "A paragraph that", "runs over two lines.",
        "", "- First item", "  continued", "2. Second item",
        "", "> [!TIP]", "> Tip body.",
        "", "| Head A | Head B |", "|:--|--:|", "| cell `a|b` | two |",
        "", "<table><tr><td>HTML cell</td></tr></table>",
        "", "```python", "print('code')", "```",
        "", "<!-- a comment", "over lines -->",
        "", "[!INCLUDE[name](../includes/x.md)]",
        "", "::: zone pivot=\"x\"",
    ])
    found = [(b.kind, b.depth, b.line, b.text) for b in blocks(markdown)]
    assert found == [
        ("heading", 0, 5, "Heading one"),
        ("paragraph", 0, 7, "A paragraph that\nruns over two lines."),
        ("item", 0, 10, "First item\n  continued"),
        ("item", 0, 12, "Second item"),
        ("paragraph", 1, 15, "Tip body."),
        ("cell", 0, 17, " Head A "), ("cell", 0, 17, " Head B "),
        ("cell", 0, 19, " cell `a|b` "), ("cell", 0, 19, " two "),
        ("html", 0, 21, "<table><tr><td>HTML cell</td></tr></table>"),
    ]


def test_a_quoted_list_keeps_its_depth_and_lines() -> None:
    found = [(b.kind, b.depth, b.line) for b in blocks("> 1. One\n> 2. Two\n\nAfter.")]
    assert found == [("item", 1, 1), ("item", 1, 2), ("paragraph", 0, 4)]


# --- pieces and units -------------------------------------------------------------------------

def test_html_cells_br_and_hard_breaks_cut_pieces() -> None:
    assert unit_texts("<td>One<br>Two</td><td><p>Three</p></td>") == ["One", "Two", "Three"]
    assert unit_texts("Line one  \nLine two\\\nLine three") == ["Line one", "Line two", "Line three"]


def test_a_link_alone_is_a_unit_by_its_text() -> None:
    assert unit_texts("- [Set up the tool](setup.md)\n- See [the guide](g.md) now.") == [
        "Set up the tool", "See [the guide](g.md) now."]


def test_images_bare_alone_titled_or_on_their_own_line() -> None:
    assert unit_texts("![A bare picture](a.png)") == []
    assert unit_texts('![Titled](a.png "A title")') == ['![Titled](a.png "A title")']
    assert unit_texts("[![Linked](a.png)](big.png)") == ["[![Linked](a.png)](big.png)"]
    assert unit_texts("Open the menu.\n![The menu](m.png)") == ["Open the menu.", "![The menu](m.png)"]


def test_includes_and_markup_only_pieces_are_no_units() -> None:
    assert unit_texts("[!INCLUDE[p](i.md)]\nWorks offline. [!INCLUDE[q](q.md)]") == ["Works offline."]
    assert unit_texts('<td><img src="x.png" /></td><td>42</td><td>&nbsp;</td>') == ["42"]


def test_a_link_before_more_than_a_hard_break_is_a_unit_whole() -> None:
    see_also = " [First topic](a.md)   \n [Second topic](b.md)  \n [Last topic](c.md)  "
    assert unit_texts(see_also) == ["[First topic](a.md)", "Second topic", "Last topic"]


def test_comments_and_empty_anchors_are_outside_units() -> None:
    assert unit_texts('<a href="" id="x"></a>Itemize by partner') == ["Itemize by partner"]
    assert unit_texts("Change the rate. <!-- an editor's note. -->\n\nNext.") == ["Change the rate.", "Next."]
    assert unit_texts("[!code-sql[Main#1](../snippets/a.sql#1)]\n\nText.") == ["Text."]


def test_a_french_closing_quote_after_its_space_ends_with_the_sentence() -> None:
    assert split("Il indique « Impossible d’enregistrer. » Ensuite, fermez.", "fr-FR", strict=False) == [
        "Il indique « Impossible d’enregistrer. »", "Ensuite, fermez."]


# --- sentence rules ---------------------------------------------------------------------------

def test_english_is_split_as_microsoft_split_it() -> None:
    assert split("Select **OK.** Then close it. this starts lower case.") == [
        "Select **OK.**", "Then close it.", "this starts lower case."]
    assert split("Use tools, e.g. Shears. Open `a. B` and **Max. Qty. Value** fields.") == [
        "Use tools, e.g. Shears.", "Open `a. B` and **Max. Qty. Value** fields."]
    # a stop that ends the emphasis ends the sentence, whatever follows (as Microsoft cut it)
    assert split("In the **No.** field, enter it.") == ["In the **No.**", "field, enter it."]
    assert split("Version 1.5 is out! Is it? Yes.") == ["Version 1.5 is out!", "Is it?", "Yes."]


def test_cjk_full_stops_end_a_unit_before_whitespace_only() -> None:
    assert split("最初の文です。 次の文です！\n最後？", "ja-JP", strict=False) == ["最初の文です。", "次の文です！", "最後？"]
    # a stop written against the next sentence is the translator's break inside one unit
    assert split("第一句。第二句。 第三句。", "zh-CN", strict=False) == ["第一句。第二句。", "第三句。"]


def test_bidi_marks_after_stops_and_uncased_scripts() -> None:
    assert split("الجملة الأولى.\u200f الجملة الثانية؟ نعم", "ar-SA", strict=False) == [
        "الجملة الأولى.\u200f", "الجملة الثانية؟", "نعم"]
    assert split("זה משפט. עוד משפט.", "he-IL", strict=False) == ["זה משפט.", "עוד משפט."]


def test_the_target_languages_abbreviations() -> None:
    assert split("Nehmen Sie z. B. die Schere. Dann weiter.", "de-DE", strict=False) == [
        "Nehmen Sie z. B. die Schere.", "Dann weiter."]
    assert split("Это инструменты, т. е. ножницы. Далее.", "ru-RU", strict=False) == [
        "Это инструменты, т. е. ножницы.", "Далее."]
    assert split("Prenez p. ex. la cisaille. Ensuite.", "fr-FR", strict=False) == [
        "Prenez p. ex. la cisaille.", "Ensuite."]


# --- the dynamic programme --------------------------------------------------------------------

def test_one_to_one_two_to_one_and_one_to_two_merges() -> None:
    beads = align([40, 40, 40], [42, 80], 1.0)
    assert [(b.source_count, b.target_count) for b in beads] == [(1, 1), (2, 1)]
    beads = align([80, 30], [41, 39, 31], 1.0)
    assert [(b.source_count, b.target_count) for b in beads] == [(1, 2), (1, 1)]


def test_anchors_decide_between_equal_lengths() -> None:
    a, b = frozenset({"#10"}), frozenset({"#20"})
    beads = align([30, 30], [30], 1.0, [a, b], [b])
    assert [(x.source_start, x.source_count, x.target_count) for x in beads] == [(0, 1, 0), (1, 1, 1)]


# --- articles ---------------------------------------------------------------------------------

ENGLISH = """# Care

Clean the blade. Dry it well before storing it in the shed.

- Check the handle.
"""


def test_an_article_aligns_with_codes_lines_and_scores() -> None:
    target = "# Entretien\n\nNettoyez la lame. Séchez-la bien avant de la ranger dans l’abri.\n\n- Vérifiez **le manche**.\n"
    pairs, anomalies = align_texts(target, ENGLISH.replace("the handle", "**the handle**"), "fr-FR")
    assert [(p.source.raw, p.target.raw, p.line, p.origin) for p in pairs] == [
        ("Care", "Entretien", 1, "aligned"),
        ("Clean the blade.", "Nettoyez la lame.", 3, "aligned"),
        ("Dry it well before storing it in the shed.", "Séchez-la bien avant de la ranger dans l’abri.", 3,
         "aligned"),
        ("Check **the handle**.", "Vérifiez **le manche**.", 5, "aligned"),
    ]
    assert [c.type for c in pairs[-1].target.codes] == ["bold", "bold"]
    assert all(p.score is not None and p.score >= REVIEW_BELOW for p in pairs)
    assert anomalies == []
    assert len({p.id for p in pairs}) == len(pairs)


def test_text_on_one_side_only_is_a_finding() -> None:
    target = ("# Entretien\n\nNettoyez la lame. Séchez-la bien avant de la ranger dans l’abri.\n\n"
              "Un paragraphe ajouté par le traducteur.\n\n- Vérifiez le manche.\n")
    pairs, anomalies = align_texts(target, ENGLISH, "fr-FR")
    assert [(a.kind, a.line, a.snippet) for a in anomalies] == [
        ("unaligned-target", 5, "Un paragraphe ajouté par le traducteur.")]
    assert [p.target.raw for p in pairs][-1] == "Vérifiez le manche."
    pairs, anomalies = align_texts("# Entretien\n", ENGLISH, "fr-FR")
    assert [p.target.raw for p in pairs] == ["Entretien"]
    assert sorted(a.snippet for a in anomalies if a.kind == "unaligned-source") == [
        "Check the handle.", "Clean the blade.", "Dry it well before storing it in the shed."]


def test_a_merged_translation_is_kept_with_a_lower_score() -> None:
    english = "Open the box and take out every part. Then count the parts carefully before you start.\n"
    target = "Ouvrez la boîte, sortez toutes les pièces et comptez-les soigneusement avant de commencer\n"
    pairs, anomalies = align_texts(target, english, "fr-FR")
    assert len(pairs) == 1 and anomalies == []
    assert pairs[0].source.raw == english.strip()
    assert pairs[0].score is not None and pairs[0].score < 1


# --- reading the English ------------------------------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def test_english_is_read_at_the_translated_commit(tmp_path: Path) -> None:
    repo = tmp_path / "en"
    (repo / "articles").mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.test")
    _git(repo, "config", "user.name", "t")
    (repo / "articles" / "a.md").write_text("# Old title\n\nOld text.\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "old")
    old = _git(repo, "rev-parse", "HEAD").strip()
    (repo / "articles" / "a.md").write_text("# New title\n\nNew text. More text.\n")
    _git(repo, "commit", "-qam", "new")
    english = EnglishSource(repo)

    def article(commit: str) -> bytes:
        return f"---\nms.sourcegitcommit: {commit}\nms.contentlocale: fr-FR\n---\n# Titre\n\nTexte.\n".encode()

    doc = extract_aligned(article(old), "fr-FR/articles/a.md", english)
    assert [p.source.raw for p in doc.pairs] == ["Old title", "Old text."]
    assert not [a for a in doc.anomalies if a.kind == "english-commit"]
    missing = extract_aligned(article("0" * 40), "fr-FR/articles/a.md", english)
    assert [a.kind for a in missing.anomalies if a.kind == "english-commit"] == ["english-commit"]
    assert missing.pairs[0].source.raw == "New title"
    assert missing.sha256 != doc.sha256
    unmatched = extract_aligned(article(old), "fr-FR/articles/other.md", english)
    assert unmatched.pairs == () and [a.kind for a in unmatched.anomalies] == ["unmatched-article"]


def test_a_span_article_is_extracted_as_today(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.md").write_text("# Title\n")
    span = ('<span data-ttu-id="ab-1">Titre</span><span class="sxs-lookup">'
            '<span data-stu-id="ab-1">Title</span></span>\n').encode()
    doc = extract_aligned(span, "fr-FR/articles/a.md", EnglishSource(tmp_path))
    assert [(p.origin, p.score, p.target.raw) for p in doc.pairs] == [("span", None, "Titre")]


# --- the command ---------------------------------------------------------------------------------

def test_extract_align_with_json(tmp_path: Path) -> None:
    result = run_tmpipe("extract", FIXTURE / "fr-FR", "--align-with", FIXTURE / "en", "--json", check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    pairs = [r for r in rows if "origin" in r]
    assert {r["origin"] for r in pairs} == {"aligned"}
    assert all(set(r) >= {"source", "target", "file", "line", "origin", "score"} for r in pairs)
    by_source = {r["source"]: r for r in pairs}
    assert by_source["Open the shears **fully**."]["target"] == "Ouvrez la cisaille **complètement**."
    assert by_source["Keep the angle at 20 degrees."]["line"] == 15
    assert by_source["Wear gloves while you work."]["target"] == "Portez des gants pendant le travail."
    assert by_source["Every month"]["target"] == "Chaque mois"
    assert by_source["See [the care guide](https://example.test/care) for details."]["target"] == \
        "Consultez [le guide d’entretien](https://example.test/care) pour plus de détails."
    assert not any("sharpen" in r["source"] or "include" in r["source"] for r in pairs)
    assert len(pairs) == 13
    assert [r for r in rows if "kind" in r] == []


@pytest.mark.parametrize("english", ["missing-dir"])
def test_align_with_a_missing_folder_is_a_usage_error(english: str, tmp_path: Path) -> None:
    result = run_tmpipe("extract", FIXTURE / "fr-FR", "--align-with", tmp_path / english)
    assert result.returncode == 2 and "--align-with" in result.stderr


def test_an_include_leading_both_sides_is_outside_the_pair() -> None:
    english = ("[!INCLUDE[p](p.md)] syncs the data.\n\nThe [!INCLUDE[p](p.md)] tool runs.\n\n"
               "[!INCLUDE[p](p.md)] offers APIs.\n\nRun it in [!INCLUDE[p](p.md)]\n\n"
               "[!INCLUDE [p](p.md)] has limits.\n")
    target = ("[!INCLUDE[p](p.md)] synchronisiert die Daten.\n\n[!INCLUDE[p](p.md)] Werkzeug läuft.\n\n"
              "O [!INCLUDE[p](p.md)] oferece APIs.\n\nIn [!INCLUDE[p](p.md)] ausführen\n\n"
              "[!INCLUDE [p](p.md)] hat Grenzen.\n")
    pairs, _ = align_texts(target, english, "de-DE")
    assert [(p.source.raw, p.target.raw) for p in pairs] == [
        ("syncs the data.", "synchronisiert die Daten."),
        ("The [!INCLUDE[p](p.md)] tool runs.", "[!INCLUDE[p](p.md)] Werkzeug läuft."),
        ("[!INCLUDE[p](p.md)] offers APIs.", "O [!INCLUDE[p](p.md)] oferece APIs."),
        ("Run it in [!INCLUDE[p](p.md)]", "In [!INCLUDE[p](p.md)] ausführen"),
        ("[!INCLUDE [p](p.md)] has limits.", "[!INCLUDE [p](p.md)] hat Grenzen.")]


def test_html_lists_inside_a_pipe_cell_are_pieces() -> None:
    assert unit_texts("| Name | <ul><li>First use.</li><li>Second use.</li></ul> |\n|--|--|\n") == [
        "Name", "First use.", "Second use."]


def test_a_space_after_a_full_stop_separates_units_in_cjk_articles() -> None:
    english = "Open the box. Take the parts out.\n\nCount them. Then start. Work slowly.\n\nRest. Eat. Go on.\n"
    target = "箱を開けます。 部品を取り出します。\n\n数えます。始めます。ゆっくり作業します。\n\n休みます。 食べます。 続けます。\n"
    pairs, anomalies = align_texts(target, english, "ja-JP")
    assert anomalies == []
    assert [(p.source.raw, p.target.raw) for p in pairs][2] == (
        "Count them. Then start. Work slowly.", "数えます。始めます。ゆっくり作業します。")
    assert len(pairs) == 6


def test_a_numbering_abbreviation_needs_a_number() -> None:
    assert split("See No. 5 here. No. The app stops.") == ["See No. 5 here.", "No.", "The app stops."]


def test_a_link_breaker_span_leaves_the_host_as_text() -> None:
    assert unit_texts("| <span>https://</span>login.example.test | x |\n|--|--|\n") == [
        "<span>https://</span>login.example.test", "x"]
