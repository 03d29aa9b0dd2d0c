"""chainfuse draws from numpy's global generator, as Chainer does; set_random_seed seeds
Python's, numpy's (and CuPy's) generators."""
import json
import random

import numpy
import pytest

import chainfuse as chainer
from chainfuse import random as cf_random


def _draw():
    return (random.random(), numpy.random.rand(), cf_random.next_key().tolist())


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


def test_keys_come_from_numpys_global_generator():
    numpy.random.seed(4)
    key = cf_random.next_key()
    assert key.tolist() == numpy.random.RandomState(4).randint(
        0, 2 ** 63, size=2, dtype=numpy.uint64).tolist()
    assert cf_random.get_generator() is cf_random.get_random_state() is \
        numpy.random.random.__self__


def test_next_key_is_a_fresh_uint64_pair():
    chainer.set_random_seed(0)
    k1 = cf_random.next_key()
    k2 = cf_random.next_key()
    assert k1.shape == (2,) and k1.dtype == numpy.uint64
    assert k1.tolist() != k2.tolist()


def test_state_round_trips_through_json():
    chainer.set_random_seed(7)
    numpy.random.normal()     # a cached second Gaussian is part of the state
    state = json.loads(json.dumps(cf_random.get_state()))
    a = numpy.random.normal(size=3)
    cf_random.set_state(state)
    assert numpy.random.normal(size=3).tolist() == a.tolist()


def test_state_of_another_generator_is_refused():
    pcg = numpy.random.default_rng(0).bit_generator.state
    with pytest.raises(ValueError, match="MT19937.*'PCG64'"):
        cf_random.set_state(pcg)


def test_large_seed_is_accepted():
    chainer.set_random_seed(2 ** 40 + 5)
    chainer.set_random_seed(numpy.int64(3))
