"""Structured-text lists as classes: exact expansion, normalization, linear size."""

from __future__ import annotations

import time

import pytest

from test_lm_kneser_ney import all_contexts, distribution_sum
from voxtune.errors import TrainingError
from voxtune.lm import WordClass, class_token, estimate, estimate_with_classes

CITY = class_token("cities")
TEMPLATES = [
    f"what is the weather in {CITY}",
    f"fly to {CITY} today",
    f"weather in {CITY} please",
    f"{CITY} weather",
    f"fly from {CITY} to {CITY}",
    "i like new shoes",
]
SENTENCES = [t.split() for t in TEMPLATES]


def test_class_token() -> None:
    assert class_token("cities") == "[cities]"
    assert WordClass("cities", (("x",),)).token == "[cities]"


def test_single_word_items_expand_exactly() -> None:
    items = (("boston",), ("paris",), ("oslo",), ("paris",))  # paris listed twice
    model = estimate_with_classes(SENTENCES, [WordClass("cities", items)])
    classes = estimate(SENTENCES, vocabulary_extra=[CITY])
    share = {"boston": 0.25, "paris": 0.5, "oslo": 0.25}
    for history in (["in"], ["to"], ["fly", "to"], ["from"]):
        for city, p in share.items():
            expected = 10 ** classes.logprob(CITY, history) * p
            assert 10 ** model.logprob(city, history) == pytest.approx(expected)
    # after an item, the class model's context after the class token
    for city in share:
        for word, history in (("today", ["to", city]), ("please", ["in", city]), ("to", [city])):
            expected = classes.logprob(word, [*history[:-1], CITY])
            assert model.logprob(word, history) == pytest.approx(expected)
    assert CITY not in model.words
    assert {"boston", "paris", "oslo"} <= set(model.vocabulary())


@pytest.mark.parametrize("order", [2, 3, 4])
def test_every_context_sums_to_one(order: int) -> None:
    items = (
        ("boston",),
        ("new", "york"),
        ("new", "jersey"),
        ("new",),
        ("weather",),
        ("a", "b", "c"),
    )
    model = estimate_with_classes(SENTENCES, [WordClass("cities", items)], order)
    contexts = [*all_contexts(model), ("new",), ("in", "new"), ("new", "york"), ("b", "c")]
    for history in contexts:
        assert distribution_sum(model, history) == pytest.approx(1.0, abs=1e-9), history


def test_multi_word_items_chain_inside_the_item() -> None:
    items = (("new", "york"), ("new", "jersey"), ("new", "york"), ("boston",))
    model = estimate_with_classes(SENTENCES, [WordClass("cities", items)])
    # "new" is also plain text ("i like new shoes"), so p(york | new) mixes both readings;
    # within the class, york follows new twice as often as jersey
    york = 10 ** model.logprob("york", ["new"])
    jersey = 10 ** model.logprob("jersey", ["new"])
    assert york == pytest.approx(2 * jersey)
    assert 10 ** model.logprob("shoes", ["new"]) > 0.05
    # contexts mixing a word before the item with one inside it are not built: they back off
    assert model.logprob("york", ["in", "new"]) > model.logprob("jersey", ["in", "new"])


def test_list_of_35000_items_is_linear_and_fast() -> None:
    def build(size: int) -> tuple[int, float]:
        items = (*tuple((f"city{i}",) for i in range(size)), ("big", "town"))
        start = time.process_time()  # CPU time: other processes on the machine do not count
        model = estimate_with_classes(SENTENCES, [WordClass("cities", items)])
        return sum(model.counts), time.process_time() - start

    small, _ = build(3_500)
    large, seconds = build(35_000)
    assert 9 < large / small < 11  # linear in the list, not quadratic ("from X to Y")
    assert large < 30 * 35_000  # a few dozen n-grams per item: each context it can follow
    assert seconds < 20


def test_adjacent_lists_do_not_multiply() -> None:
    first = WordClass("first", tuple((f"a{i}",) for i in range(400)))
    last = WordClass("last", tuple((f"b{i}",) for i in range(400)))
    sentences = [["call", first.token, last.token, "now"], ["call", first.token]]
    model = estimate_with_classes(sentences, [first, last])
    assert sum(model.counts) < 20 * 800
    for history in (["a1"], ["a1", "b2"], ["call", "a3"]):
        assert distribution_sum(model, history) == pytest.approx(1.0, abs=1e-9)


def test_empty_list_is_an_error() -> None:
    with pytest.raises(TrainingError, match="no items"):
        estimate_with_classes(SENTENCES, [WordClass("cities", ((),))])


def test_no_classes_is_plain_estimation() -> None:
    plain = [["a", "b"], ["b", "c"]]
    assert estimate_with_classes(plain, []).counts == estimate(plain).counts
