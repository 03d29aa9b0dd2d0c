import json

import numpy
import pytest

from chainfuse.iterators import OrderSampler, ShuffleOrderSampler


def test_returns_a_permutation_of_the_current_length():
    sampler = ShuffleOrderSampler(numpy.random.default_rng(0))
    order = sampler(numpy.arange(7), 3)
    assert sorted(order.tolist()) == list(range(7))
    assert isinstance(ShuffleOrderSampler(), OrderSampler)


def test_default_draws_from_numpys_global_generator_like_chainer():
    numpy.random.seed(5)
    a = [ShuffleOrderSampler()(numpy.arange(20), 0) for _ in range(2)]
    reference = numpy.random.RandomState(5)     # what Chainer's sampler draws
    numpy.testing.assert_array_equal(a[0], reference.permutation(20))
    numpy.testing.assert_array_equal(a[1], reference.permutation(20))
    assert ShuffleOrderSampler().get_state() is None    # not the sampler's to save


@pytest.mark.parametrize('make', [lambda: numpy.random.default_rng(3),
                                  lambda: numpy.random.RandomState(3), lambda: 3])
def test_state_round_trips_through_json(make):
    sampler = ShuffleOrderSampler(make())
    sampler(numpy.arange(5), 0)
    state = json.loads(json.dumps(sampler.get_state()))
    expected = [sampler(numpy.arange(9), 0) for _ in range(3)]
    sampler.set_state(state)
    for e in expected:
        numpy.testing.assert_array_equal(sampler(numpy.arange(9), 0), e)


def test_rejects_other_random_states():
    with pytest.raises(TypeError, match='Generator, RandomState, int or None'):
        ShuffleOrderSampler('seed')
