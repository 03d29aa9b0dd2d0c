"""PolynomialShift and InverseShift set the values Chainer 7.8.1's set
(tests/data/chainer7/shifts.npz, written by make_api_fixtures.py), and resume."""
import json
import os

import numpy
import pytest

from chainfuse.training import extensions

from ._shift_check import resumed_values, values

DATA = numpy.load(os.path.join(os.path.dirname(__file__), '..', '..', 'data', 'chainer7',
                               'shifts.npz'))
CASES = json.loads(str(DATA['cases']))


@pytest.mark.parametrize('name, cls, kwargs', CASES, ids=[c[0] for c in CASES])
def test_values_match_chainer(name, cls, kwargs):
    expected = DATA[name]
    got = values(lambda: getattr(extensions, cls)(**kwargs), len(expected) - 1)
    numpy.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize('name, cls, kwargs', CASES[:1] + CASES[3:4],
                         ids=[CASES[0][0], CASES[3][0]])
def test_resume_continues_the_schedule(name, cls, kwargs):
    got = resumed_values(lambda: getattr(extensions, cls)(**kwargs), 3, 2)
    numpy.testing.assert_allclose(got, DATA[name][3:6], rtol=1e-12)


def test_inverse_shift_rejects_a_negative_gamma():
    with pytest.raises(ValueError, match='gamma must not be negative'):
        extensions.InverseShift('lr', -0.1, 1)
