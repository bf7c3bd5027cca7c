"""The classes of false positives of issue 13, one test each, on synthetic segments: what a check
must not report as an error or warning, next to the real problem it must still report."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract.inline import parse_segment
from pipeline.qa import CHECKS
from pipeline.qa.findings import Finding
from pipeline.qa.registry import CheckContext, CorpusFacts, QaSegment, end_pass
from pipeline.rows import QaUnit
from pipeline.qa.text import code_like
from pipeline.qa.words import english_words


def run(check: str, locale: str, source: str, target: str, corpus: CorpusFacts = CorpusFacts(),
        **options: Any) -> list[Finding]:
    """The findings of one segment check on one unit (texts as the extractor stores them)."""
    info = CHECKS[check]
    src, tgt = parse_segment(source), parse_segment(target)
    row = QaUnit(b"unit", 1, locale, "en-US", source, target, src.text, tgt.text, src, tgt)
    ctx = CheckContext(info, info.severity, {**info.options, **options}, corpus=corpus)
    try:
        return list(info.func(QaSegment(row), ctx))
    finally:
        end_pass(ctx.cache)


def severity(check: str, locale: str, source: str, target: str | None = None, **kwargs: Any) -> str | None:
    """The severity of the check's finding (None: no finding)."""
    found = run(check, locale, source, source if target is None else target, **kwargs)
    assert len(found) <= 1
    return found[0].severity if found else None


# --- untranslated -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["int", "tinyint", "char(9)", "float_value", "x ^ y ^ z", '{"name": "a", "id": 1}',
                                  "%ProgramFiles%\\Contoso\\app.exe", "&lt;Rule id=&quot;a&quot;&gt;",
                                  "Set-Thing -Name $value -Force"])
def test_code_and_data_are_not_untranslated_errors(text: str) -> None:
    assert severity("untranslated", "ja-JP", text) in ("info", None)


def test_code_shape() -> None:
    assert code_like('{"a": [1, 2]}') and code_like("a = b + c") and code_like("Get-Item -Path C:\\x")
    assert not code_like("Select the file, then choose Save & close.")


@pytest.mark.parametrize("locale, word", [("fr-FR", "Description"), ("fr-FR", "Question"), ("fr-FR", "Notes"),
                                          ("de-DE", "Name"), ("de-DE", "Status"), ("de-DE", "Information")])
def test_a_word_of_the_target_language_is_no_untranslated_error(locale: str, word: str) -> None:
    assert severity("untranslated", locale, word) == "info"


def test_cognates_are_told_from_english_words() -> None:
    assert english_words(["Description", "Action", "Duration"], "fr", latin=True) == ["Duration"]
    assert english_words(["Name", "Duration", "select"], "de", latin=True) == ["Duration"]
    assert english_words(["Name", "Status"], "ru", latin=False) == ["Name", "Status"]  # Cyrillic: all foreign


def test_an_english_sentence_left_as_it_is_is_an_error() -> None:
    assert severity("untranslated", "fr-FR", "Open the invoice.") == "error"
    assert severity("untranslated", "de-DE", "Select the vendor that you want to pay, and then post it.") == "error"
    assert severity("untranslated", "ja-JP", "You can change these settings later") == "error"


@pytest.mark.parametrize("name", ["Exchange Server 2016", "Contoso Pharmaceuticals", "Recovery Assistant for Office",
                                  "Tailspin Toys"])
def test_names_are_not_untranslated_errors(name: str) -> None:
    assert severity("untranslated", "ru-RU", name) == "info"


def test_names_learnt_from_the_corpus() -> None:
    facts = CorpusFacts(names=frozenset({"Sales Order"}))
    assert severity("untranslated", "ja-JP", "Sales Order", corpus=facts) == "info"
    # a short label that the locale translates elsewhere is a miss; one it never saw translated may be a name
    missed = CorpusFacts(translated_in=frozenset({("ja-JP", "Sales Order")}))
    assert severity("untranslated", "ja-JP", "Sales Order", corpus=missed) == "warning"
    assert severity("untranslated", "ja-JP", "Sales Order") == "info"
    assert severity("untranslated", "fr-FR", "Sales Order", corpus=CorpusFacts(
        mostly_translated=frozenset({"Sales Order"}))) == "warning"


def test_an_empty_target_is_an_error() -> None:
    assert severity("untranslated", "fr-FR", "Open the invoice.", "") == "error"


# --- number-mismatch --------------------------------------------------------------------------

@pytest.mark.parametrize("locale, source, target", [
    ("fr-FR", "It must finish within 1 second.", "Il doit finir en moins d’une seconde."),  # a number word
    ("ar-SA", "For the 2 hours of overtime", "خلال ساعتي العمل الإضافيتين"),  # an Arabic dual
    ("ko-KR", "Bars fit 100% of the chart area.", "막대가 차트 영역 전체에 맞습니다."),  # an idiom for 100%
])
def test_small_numbers_written_as_words_are_info(locale: str, source: str, target: str) -> None:
    assert severity("number-mismatch", locale, source, target) == "info"


@pytest.mark.parametrize("locale, source, target", [
    ("ru-RU", "Only required for Exchange 2010 SP3.", "Требуется только для Exchange 2010 с пакетом обновления 3 (SP3)."),
    ("zh-CN", "Operated by 21Vianet in China.", "由世纪互联在中国运营。"),
    ("de-DE", "Press Ctrl + Home.", "Drücken Sie STRG+POS1."),
    ("de-DE", "such as 04/01/20..04/30/20", "z. B. 01.04.2020..30.04.2020"),  # another order, a four-digit year
    ("de-DE", "You cannot use 24:00 to mean midnight.", "Sie können 24.00 nicht für Mitternacht verwenden."),
    ("de-DE", "work date year.work date month.11.", "11.Arbeitsdatum Monat.Arbeitsdatum Jahr"),  # after a dot
    ("ja-JP", "One record is for cost, and the other is for sales.", "1 つはコスト用で、もう 1 つは販売用です。"),
    ("pt-BR", "Quarter 1", "1º Trimestre"),
    ("de-DE", "With the paid plan you get 10K calls per day and 2h of support.", "Sie erhalten 10K Aufrufe und 2 Std. Support."),
    ("fr-FR", "It costs 1,000.25 USD.", "Il coûte 1 000,25 USD."),  # CLDR separators
    ("de-DE", "It costs 1,000.25 USD.", "Er kostet 1.000,25 USD."),
    ("de-CH", "It costs 1,000.25 CHF.", "Er kostet 1’000.25 CHF."),
])
def test_numbers_written_the_locale_s_way_are_not_reported(locale: str, source: str, target: str) -> None:
    assert severity("number-mismatch", locale, source, target) is None


@pytest.mark.parametrize("locale, source, target", [
    ("ar-SA", "A developer has a bill rate of 1000 USD.", "مطور لديه معدل فاتورة من 100 دولار أمريكي."),
    ("de-DE", "03 means 30 milliseconds.", "03 bedeutet 39 Millisekunden."),
    ("ar-SA", "Contoso sold 100 t-shirts.", "باعت شركة Contoso قميص."),
    ("fr-FR", "Wait 45 minutes.", "Attendez quelques minutes."),
])
def test_changed_and_dropped_numbers_are_warnings(locale: str, source: str, target: str) -> None:
    assert severity("number-mismatch", locale, source, target) == "warning"


# --- unpaired-brackets ------------------------------------------------------------------------

@pytest.mark.parametrize("locale, source, target", [
    ("he-IL", 'Send an email to the "USA" team.', 'שלחו דוא"ל לצוות "ארה"ב".'),  # gershayim inside words
    ("de-DE", 'Select "Save" (or "Close").', "Wählen Sie „Speichern“ (oder „Schließen\")."),  # mixed quote styles
    ("de-DE", 'Select "Save".', "Wählen Sie »Speichern«."),  # German guillemets
    ("zh-CN", "Select (optional) settings.", "选择（可选）设置。"),  # full-width brackets
    ("zh-CN", "Select (optional) settings.", "选择（可选) 设置。"),  # full width with ASCII
    ("ja-JP", "1) Open the file.", "1）ファイルを開きます。"),  # a list marker
    ("zh-CN", 'This column is named "Geo".', "此列名为“Geo”。"),
])
def test_the_locale_s_own_punctuation_is_paired(locale: str, source: str, target: str) -> None:
    assert severity("unpaired-brackets", locale, source, target) is None


@pytest.mark.parametrize("locale, source, target", [
    ("de-DE", "Delete documents (for example, after five years).", "Dokumente löschen (beispielsweise nach fünf Jahren."),
    ("ko-KR", "Use Cursors (ODBC)", "ODBC)(커서 사용"),
    ("de-DE", "From C:\\My Documents.", "Aus C:\\Dokumente“."),
    ("he-IL", 'Select "Save".', 'בחרו "שמירה.'),
])
def test_an_unpaired_mark_is_a_warning(locale: str, source: str, target: str) -> None:
    assert severity("unpaired-brackets", locale, source, target) == "warning"


# --- wrong-language ---------------------------------------------------------------------------

LINKED = "[Configure the ledger for the billing of your projects](https://contoso.test/en-us/ledger)"


@pytest.mark.parametrize("locale, source, target", [
    ("pt-BR", "The status of the Queue Reader Agent.", "O status do Queue Reader Agent."),  # a component's name
    ("de-DE", "Cyclical, Discrete, Table, and Ordered", "Cyclical, Discrete, Table und Ordered"),  # names
    ("fr-FR", f"For more information, see {LINKED}.", f"Pour plus d’informations, voir {LINKED}."),
    ("fr-FR", "Open https://contoso.test/docs/setup/getting-started/index.html for the steps.",
     "Ouvrez https://contoso.test/docs/setup/getting-started/index.html pour les étapes."),
])
def test_names_paths_and_linked_titles_are_no_wrong_language(locale: str, source: str, target: str) -> None:
    assert severity("wrong-language", locale, source, target) is None


@pytest.mark.parametrize("locale, source, target", [
    ("zh-CN", "https://tenant/_api/search/query?querytext='site'&ClientType='my_client_id'",
     "https:// \\<tenant\\> / \\_ api/search/query？ querytext = ' site ' &ClientType = ' my \\_ client \\_ id '"),
    ("ru-RU", f"See {LINKED}.", f"См. {LINKED}"),  # only the English-only article's title
    ("ja-JP", "Microsoft Support and Recovery Assistant", "Microsoft Support and Recovery Assistant (SaRA)"),
])
def test_code_and_titles_in_a_non_latin_locale_are_info(locale: str, source: str, target: str) -> None:
    assert severity("wrong-language", locale, source, target) in ("info", None)


def test_an_english_sentence_is_a_wrong_language_error() -> None:
    source = "If you can test the add-in on Outlook, you can use the following simple debugging technique."
    assert severity("wrong-language", "zh-CN", source, source.replace(",", "，")) == "error"
    fr = "If you can test the add-in, you can use the following simple technique to find the problem quickly."
    assert severity("wrong-language", "fr-FR", fr, fr.replace(",", " ,")) == "error"


def test_a_day_and_month_in_the_locale_s_order_are_the_same_numbers() -> None:
    assert severity("number-mismatch", "de-DE", "work date year.11.12.", "12.11.Arbeitsdatum Jahr.") is None
    assert severity("number-mismatch", "de-DE", "mon14 3..t 4p", "Mo 14.3..h 4P") is None


# --- inconsistent-source, length-ratio (corpus checks: their filters) ---------------------------

def test_trivially_different_sources_are_one() -> None:
    from pipeline.qa.consistency import _source_norm
    assert _source_norm("Click the **Save** button.") == _source_norm("Select the Save buttons")
    assert _source_norm("Enter a value : ") == _source_norm("Enter value:")
    assert _source_norm("Item") != _source_norm("Article")


def test_translator_notes_and_acronym_expansions_explain_a_long_target() -> None:
    from pipeline.qa.length import _explained
    assert _explained("Select Next: Review.", "Klicken Sie auf Weiter: Review (Weiter: Überprüfen).", 1.8)
    assert _explained("Create a WBS.", "Créez une structure de répartition du travail.", 1.8)
    assert not _explained("Select Next.", "Klicken Sie auf Weiter, und warten Sie dann auf die Bestätigung.", 1.8)


def test_a_phrase_of_the_source_left_in_english_is_a_warning() -> None:
    source = "Two entities, Contoso USA (the borrowing legal entity) and Contoso UK, share resources."
    target = "يتشارك كيانان، Contoso الولايات المتحدة (the borrowing legal entity) و Contoso المملكة المتحدة، الموارد."
    assert severity("wrong-language", "ar-SA", source, target) == "warning"
    # the English title of a linked article, and a name, are no such part
    linked = "另请参阅[Best practices and rules for the Office dialog API](dialog-best-practices.md)。"
    assert severity("wrong-language", "zh-CN", "See also [Best practices and rules for the Office dialog API]"
                    "(dialog-best-practices.md).", linked) is None
    assert severity("wrong-language", "ja-JP", "Open Microsoft Support and Recovery Assistant now.",
                    "Microsoft Support and Recovery Assistant を開きます。") is None
