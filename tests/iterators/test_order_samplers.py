import json

import numpy
import pytest

import chainfuse
from chainfuse.iterators import OrderSampler, ShuffleOrderSampler


def test_returns_a_permutation_of_the_current_length():
    sampler = ShuffleOrderSampler(numpy.random.default_rng(0))
    order = sampler(numpy.arange(7), 3)
    assert sorted(order.tolist()) == list(range(7))
    assert isinstance(ShuffleOrderSampler(), OrderSampler)


def test_default_state_is_seeded_from_chainfuse_generator():
    chainfuse.set_random_seed(5)
    a = [ShuffleOrderSampler()(numpy.arange(20), 0) for _ in range(2)]
    chainfuse.set_random_seed(5)
    b = [ShuffleOrderSampler()(numpy.arange(20), 0) for _ in range(2)]
    numpy.testing.assert_array_equal(a[0], b[0])
    numpy.testing.assert_array_equal(a[1], b[1])
    assert not numpy.array_equal(a[0], a[1])


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
