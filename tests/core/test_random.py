"""set_random_seed makes every generator chainfuse draws from reproducible."""
import random

import numpy

import chainfuse as chainer
from chainfuse import random as cf_random


def _draw():
    return (random.random(), numpy.random.rand(), cf_random.get_generator().random(),
            cf_random.next_key().tolist())


def test_same_seed_same_numbers():
    chainer.set_random_seed(123)
    first = _draw()
    chainer.set_random_seed(123)
    assert _draw() == first


def test_different_seeds_differ():
    chainer.set_random_seed(1)
    a = _draw()
    chainer.set_random_seed(2)
    b = _draw()
    assert all(x != y for x, y in zip(a, b))


def test_next_key_is_a_fresh_uint64_pair():
    chainer.set_random_seed(0)
    k1 = cf_random.next_key()
    k2 = cf_random.next_key()
    assert k1.shape == (2,) and k1.dtype == numpy.uint64
    assert k1.tolist() != k2.tolist()


def test_state_round_trip():
    chainer.set_random_seed(7)
    state = cf_random.get_state()
    a = cf_random.get_generator().random(3)
    cf_random.set_state(state)
    assert cf_random.get_generator().random(3).tolist() == a.tolist()


def test_large_seed_is_accepted():
    chainer.set_random_seed(2 ** 40 + 5)
    chainer.set_random_seed(numpy.int64(3))
