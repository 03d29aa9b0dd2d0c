"""Loss links: the negative samplers' distribution and freshness (the numbers are compared
with Chainer in tests/test_chainer7_parity.py with fixed samples)."""
import numpy
import pytest

import chainfuse
import chainfuse.links as L
from chainfuse.links.loss._alias import AliasSampler


def test_alias_sampler_draws_with_the_given_probabilities():
    chainfuse.set_random_seed(0)
    weights = numpy.array([1.0, 3.0, 0.0, 6.0])
    draws = AliasSampler(weights).sample((20000,)).array
    freq = numpy.bincount(draws, minlength=4) / draws.size
    numpy.testing.assert_allclose(freq, weights / weights.sum(), atol=0.015)
    assert draws.dtype == numpy.int32


def test_alias_sampler_rejects_bad_weights():
    with pytest.raises(ValueError, match='non-negative'):
        AliasSampler([1.0, -1.0])
    with pytest.raises(ValueError, match='non-empty'):
        AliasSampler([])


def test_negative_sampling_draws_fresh_samples_eagerly_and_compiled():
    chainfuse.set_random_seed(0)
    link = L.NegativeSampling(3, [5, 1, 1, 1, 1, 1, 1], 4)
    link.W.array[...] = numpy.random.default_rng(0).uniform(-1, 1, link.W.shape)
    x = numpy.ones((2, 3), numpy.float32)
    t = numpy.array([0, 1], numpy.int32)
    _, a = link(x, t, return_samples=True)
    _, b = link(x, t, return_samples=True)
    assert a.shape == (2, 5) and not numpy.array_equal(a, b)
    numpy.testing.assert_array_equal(a[:, 0], t)
    compiled = chainfuse.compile(link, fallback='raise')
    losses = {float(compiled(x, t).array) for _ in range(4)}
    assert len(losses) > 1


def test_huffman_tree_and_hierarchical_softmax_probabilities_sum_to_one():
    tree = L.BinaryHierarchicalSoftmax.create_huffman_tree({'a': 5, 'b': 3, 'c': 1, 'd': 1})
    words = {'a', 'b', 'c', 'd'}

    def leaves(node):
        return leaves(node[0]) | leaves(node[1]) if isinstance(node, tuple) else {node}
    assert leaves(tree) == words
    int_tree = L.BinaryHierarchicalSoftmax.create_huffman_tree({0: 5, 1: 3, 2: 1, 3: 1})
    link = L.BinaryHierarchicalSoftmax(2, int_tree)
    x = numpy.array([[0.3, -0.7]], numpy.float32)
    total = sum(numpy.exp(-link(x, numpy.array([w], numpy.int32)).array) for w in range(4))
    assert total == pytest.approx(1.0, rel=1e-5)
