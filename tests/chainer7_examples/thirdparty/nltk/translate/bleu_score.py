"""Stand-in for nltk.translate.bleu_score (see ../../README.md): corpus BLEU."""
import collections
import math


class SmoothingFunction:
    """method1 (Chen & Cherry 2014): an n-gram order with no match counts epsilon."""

    def __init__(self, epsilon=0.1):
        self.epsilon = epsilon

    def method1(self, matches, totals):
        return [(m if m else self.epsilon) / t for m, t in zip(matches, totals)]


def _ngrams(words, n):
    return collections.Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def corpus_bleu(list_of_references, hypotheses, weights=(0.25, 0.25, 0.25, 0.25),
                smoothing_function=None):
    """BLEU of `hypotheses` (token lists) against their reference lists."""
    matches, totals = [0] * len(weights), [0] * len(weights)
    hyp_len = ref_len = 0
    for references, hypothesis in zip(list_of_references, hypotheses):
        for n in range(1, len(weights) + 1):
            counts = _ngrams(hypothesis, n)
            best = collections.Counter()
            for ref in references:
                best |= _ngrams(ref, n)
            matches[n - 1] += sum(min(c, best[g]) for g, c in counts.items())
            totals[n - 1] += max(1, len(hypothesis) - n + 1)
        hyp_len += len(hypothesis)
        ref_len += min((abs(len(r) - len(hypothesis)), len(r)) for r in references)[1]
    if matches[0] == 0:
        return 0.
    if smoothing_function is None:
        if min(matches) == 0:
            return 0.
        precisions = [m / t for m, t in zip(matches, totals)]
    else:
        precisions = smoothing_function(matches, totals)
    penalty = 1. if hyp_len > ref_len else math.exp(1 - ref_len / max(hyp_len, 1))
    return penalty * math.exp(sum(w * math.log(p) for w, p in zip(weights, precisions)))
