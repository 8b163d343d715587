"""Display formatting: lexical words -> itn, masked itn and display text, with a model's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from voxtune.data.formatting import (
    FormattingRules,
    ItnPattern,
    ProfanityPhrase,
    Rewrite,
    parse_output_formatting,
)
from voxtune.text.display import DisplayFormatter, DisplayOptions
from voxtune.text.profanity import ProfanityFilter
from voxtune.text.rewrite import Rewriter
from voxtune.training.report import formatting_tests_summary

PLAIN = DisplayOptions(punctuation="None")


@pytest.fixture(scope="module")
def sample_rules(azure_samples: Path) -> FormattingRules:
    path = azure_samples / "en-US" / "display-formatting" / "training" / "data_display-format.txt"
    return parse_output_formatting(path.read_bytes(), path.name).rules


def test_every_test_line_of_the_official_sample_passes(sample_rules: FormattingRules) -> None:
    results = DisplayFormatter(sample_rules).run_tests()
    assert len(results) == len(sample_rules.tests) >= 20
    failed = [(r.lexical, r.expected, r.actual) for r in results if not r.passed]
    assert failed == []


def test_the_four_forms() -> None:
    forms = DisplayFormatter().forms("remind me to buy five pencils")
    assert forms.lexical == "remind me to buy five pencils"
    assert forms.itn == "remind me to buy 5 pencils"
    assert forms.masked_itn == forms.itn
    assert forms.display == "Remind me to buy 5 pencils."


def test_names_and_dates_are_capitalized() -> None:
    formatter = DisplayFormatter()
    assert formatter.display("i think i'm late") == "I think I'm late."
    assert formatter.display("on december twelfth") == "On December 12th."
    assert formatter.display("march second") == "March 2nd."
    assert formatter.display("they march on") == "They march on."


@pytest.mark.parametrize(
    ("lexical", "expected"),
    [
        ("what time is it", "What time is it?"),
        ("are you coming", "Are you coming?"),
        ("do it now", "Do it now."),
        ("stop comma then go period", "Stop, then go."),
        ("is that right question mark", "Is that right?"),
        ("it took a period of time", "It took a period of time."),
        ("wow exclamation point it works", "Wow! It works."),
    ],
)
def test_automatic_and_dictated_punctuation(lexical: str, expected: str) -> None:
    assert DisplayFormatter().display(lexical) == expected


def test_punctuation_modes() -> None:
    formatter = DisplayFormatter()
    lexical = "stop comma then go"
    assert formatter.display(lexical, DisplayOptions(punctuation="None")) == "Stop comma then go"
    assert formatter.display(lexical, DisplayOptions(punctuation="Dictated")) == "Stop, then go"
    assert (
        formatter.display(lexical, DisplayOptions(punctuation="Automatic"))
        == "Stop comma then go."
    )


def test_profanity_modes_with_built_in_and_model_phrases() -> None:
    rules = FormattingRules(profanity=(ProfanityPhrase("fake word", 1),))
    formatter = DisplayFormatter(rules)
    lexical = "well shit the fake word is here"
    shown = {
        mode: formatter.display(lexical, DisplayOptions(profanity=mode, punctuation="None"))
        for mode in ("Masked", "Removed", "Tags", "None")
    }
    assert shown == {
        "Masked": "Well **** the **** **** is here",
        "Removed": "Well the is here",
        "Tags": "Well <profanity>shit</profanity> the <profanity>fake word</profanity> is here",
        "None": "Well shit the fake word is here",
    }
    forms = formatter.forms(lexical, DisplayOptions(profanity="None"))
    assert forms.masked_itn == "well **** the **** **** is here"  # always masked
    assert forms.itn == lexical


def test_a_punctuation_only_profanity_line_matches_nothing() -> None:
    odd = ProfanityFilter.for_locale("en-US", ["!", "' '"])
    assert odd.apply("wow ! it ' s fine", "Removed") == "wow ! it ' s fine"


def test_profanity_is_not_found_inside_other_words() -> None:
    masked = ProfanityFilter.for_locale("en-US").apply("shitake is fine", "Masked")
    assert masked == "shitake is fine"
    assert ProfanityFilter.for_locale("en-US").apply("shit, no", "Masked") == "****, no"


def test_rewrites_prefer_the_longest_original_and_ignore_grammar_punctuation() -> None:
    rewriter = Rewriter.from_pairs(
        [("acme", "ACME"), ("acme corp", "Acme Corporation"), ("dr smith", "Dr. Smith")]
    )
    assert rewriter.apply("call acme corp now") == "call Acme Corporation now"
    assert rewriter.apply("call acme now") == "call ACME now"
    assert rewriter.apply("ask Dr. Smith") == "ask Dr. Smith"
    assert rewriter.apply("ask dr smith, then") == "ask Dr. Smith, then"


def test_model_rules_apply_after_built_in_itn() -> None:
    rules = FormattingRules(
        itn=(ItnPattern("cat-\\d", 1),),
        rewrites=(Rewrite("end to end", "E2E", 2),),
    )
    formatter = DisplayFormatter(rules)
    assert formatter.display("feed cat nine end to end") == "Feed cat-9 E2E."


def test_a_rewrite_cannot_expose_profanity() -> None:
    rules = FormattingRules(rewrites=(Rewrite("darn it", "shit", 1),))
    assert DisplayFormatter(rules).display("oh darn it", PLAIN) == "Oh ****"


def test_other_locales_get_no_english_rules() -> None:
    formatter = DisplayFormatter(locale="de-DE")
    forms = formatter.forms("ich habe five euro question mark")
    assert forms.itn == "ich habe five euro question mark"
    assert forms.display == "Ich habe five euro question mark."


def test_empty_lexical_gives_empty_forms() -> None:
    forms = DisplayFormatter().forms("")
    assert (forms.itn, forms.masked_itn, forms.display) == ("", "", "")


def test_a_failing_test_line_reports_what_the_rules_gave() -> None:
    rules = parse_output_formatting(
        b"#rewrite\nacme\tACME\n\n#test\ncall acme\tCall Acme Inc\ncall acme now\tCall ACME now\n"
    ).rules
    results = DisplayFormatter(rules).run_tests()
    outcome = [(r.passed, r.actual) for r in results]
    assert outcome == [(False, "Call ACME"), (True, "Call ACME now")]
    summary = formatting_tests_summary(results)
    assert (summary.passed, summary.failed) == (1, 1)
    assert summary.failures == ((5, "call acme", "Call Acme Inc", "Call ACME"),)


def test_an_engines_written_text_keeps_its_casing_and_punctuation_under_the_models_rules() -> None:
    rules = FormattingRules(
        rewrites=(Rewrite("acme corp", "Acme Corporation", 1),),
        profanity=(ProfanityPhrase("fake word", 2),),
    )
    formatter = DisplayFormatter(rules)
    lexical = "mr smith of acme corp paid five dollars a fake word"
    written = "Mr. Smith of acme corp paid $5, a fake word"
    forms = formatter.forms(lexical, DisplayOptions(), written)
    assert forms.display == "Mr. Smith of Acme Corporation paid $5, a **** ****."
    assert forms.itn == "mr smith of acme corp paid $5 a fake word"  # from the lexical words
    assert forms.lexical == lexical
    plain_options = DisplayOptions(profanity="None", punctuation="None")
    plain = formatter.display(lexical, plain_options, written)
    assert plain == "Mr Smith of Acme Corporation paid $5 a fake word"
    assert formatter.display("a question", DisplayOptions(), "Is it 3.5? Yes.") == "Is it 3.5? Yes."
    assert formatter.display("is it", PLAIN, "is it 3.5? yes.") == "Is it 3.5 yes"
    # without written text the lexical words are formatted as before
    assert formatter.display("hello world") == "Hello world."
