"""Perplexity (SRILM conventions) and the choice of the interpolation weight."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from test_lm_interpolate import posterior_share
from voxtune.errors import TrainingError
from voxtune.lm import EOS, NGramModel, choose_weight, estimate, perplexity, split_heldout

DOMAIN = [s.split() for s in ["enter one two", "erase one", "enter three", "go", "enter two two"]]
GENERAL = [
    s.split()
    for s in ["the cat sat", "one cat", "two dogs sat", "enter the room", "go home", "the end"]
]


def test_perplexity_by_hand() -> None:
    model = estimate(DOMAIN)
    sentences = [["enter", "one"], ["go", "nowhere", "two"]]
    result = perplexity(model, sentences)
    expected = (
        model.logprob("enter", ["<s>"])
        + model.logprob("one", ["<s>", "enter"])
        + model.logprob(EOS, ["enter", "one"])
        + model.logprob("go", ["<s>"])
        # "nowhere" is out of vocabulary: not scored, and it ends the history
        + model.logprob("two", ["nowhere"])
        + model.logprob(EOS, ["nowhere", "two"])
    )
    assert result.oov_count == 1
    assert result.zeroprob_count == 0
    assert result.sentence_count == 2
    assert result.word_count == 5
    assert result.scored_count == 6
    assert result.logprob == pytest.approx(expected)
    assert result.ppl == pytest.approx(10 ** (-expected / 6))


def test_perplexity_of_nothing_is_infinite() -> None:
    model = estimate(DOMAIN)
    assert math.isinf(perplexity(model, []).ppl)


def test_split_heldout_is_deterministic() -> None:
    sentences = [[str(i)] for i in range(25)]
    train, heldout = split_heldout(sentences)
    assert heldout == [["9"], ["19"]]
    assert len(train) == 23
    assert split_heldout(sentences, every=5)[1] == [["4"], ["9"], ["14"], ["19"], ["24"]]


def prob(model: NGramModel, word: str, history: list[str]) -> float:
    logprob = model.logprob(word, history)
    return 0.0 if logprob <= -99 else 10**logprob


def test_choose_weight_picks_the_lowest_perplexity() -> None:
    general = estimate(GENERAL + DOMAIN[:1])
    heldout = [["enter", "two", "one"], ["go", "home"], ["the", "cat"]]
    candidates = (0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
    choice = choose_weight(DOMAIN, heldout, general, candidates)
    domain = estimate(DOMAIN)
    # independent check: the per-word mixture, one n-gram at a time
    expected: list[tuple[float, float]] = []
    for weight in candidates:
        total = 0.0
        count = 0
        for sentence in heldout:
            tokens = ["<s>", *sentence, EOS]
            for i in range(1, len(tokens)):
                history = tokens[max(0, i - 2) : i]
                share = posterior_share(domain, general, weight, tuple(history))
                p = share * prob(domain, tokens[i], history) + (1 - share) * prob(
                    general, tokens[i], history
                )
                total += math.log10(p) if p > 0 else -math.inf
                count += 1
        expected.append((weight, 10 ** (-total / count)))
    assert [w for w, _ in choice.perplexities] == list(candidates)
    for (_, ppl), (_, reference) in zip(choice.perplexities, expected, strict=True):
        # a token with no mass is floored at log-zero: astronomically bad, not infinite
        assert ppl == pytest.approx(reference) or (math.isinf(reference) and ppl > 1e15)
    best = min(expected, key=lambda item: item[1])
    assert choice.weight == best[0]
    assert choice.heldout_sentences == 3
    assert choice.heldout_words == 7
    assert choice.weight_percent == round(best[0] * 100)
    assert "home" not in domain.words  # a word only the general model knows ...
    assert dict(choice.perplexities)[1.0] > 1e15  # ... rules out the domain alone


def test_choose_weight_rejects_bad_input() -> None:
    general = estimate(GENERAL)
    with pytest.raises(TrainingError):
        choose_weight(DOMAIN, [], general)
    with pytest.raises(TrainingError):
        choose_weight(DOMAIN, [["go"]], general, candidates=(0.0, 0.5))
    with pytest.raises(TrainingError):
        choose_weight(DOMAIN, [["go"]], general, candidates=())


def test_on_real_domain_text_the_chosen_mix_beats_the_general_lm(shared_data: Path) -> None:
    from voxtune.engine.bundle import base_bundle
    from voxtune.lm import read_binary
    from voxtune.text import lexical_tokens

    lines = (shared_data / "an4" / "train-text.txt").read_text(encoding="utf-8-sig").splitlines()
    sentences = [tokens for line in lines if (tokens := lexical_tokens(line, "en-US"))]
    train, heldout = split_heldout(sentences)
    general = read_binary(base_bundle().language_model_path)
    choice = choose_weight(train, heldout, general)
    chosen = dict(choice.perplexities)[choice.weight]
    assert chosen < perplexity(general, heldout).ppl / 5  # the domain is narrow: far better
    assert choice.weight >= 0.5
