"""``testing.fix_random`` and ``generate_seed``: fixed random numbers in a test.

While a fixed test runs, numpy's global generator (and Python's ``random``) start from
seed 100 (``CHAINER_TEST_RANDOM_NONDETERMINISTIC=1``: from fresh entropy), and so does
chainfuse's own generator; all are restored afterwards.  Decorate a ``test_*`` method,
or a class (then ``setUp``/``tearDown`` do it around each test).
"""
import functools
import os
import random as pyrandom
import types

import numpy

from chainfuse import random as cf_random
from chainfuse.testing import _bundle

_saved = []


def _setup():
    state = (pyrandom.getstate(), numpy.random.get_state(), cf_random.get_state())
    _saved.append(state)
    if len(_saved) == 1:
        if os.environ.get('CHAINER_TEST_RANDOM_NONDETERMINISTIC', '0') not in ('', '0'):
            numpy.random.seed()
            cf_random.set_random_seed(int(numpy.random.randint(0xffffffff)))
        else:
            numpy.random.seed(100)
            pyrandom.seed(100)
            cf_random.set_random_seed(100)


def _teardown():
    if not _saved:
        raise RuntimeError('fix_random: teardown without setup')
    py_state, np_state, cf_state = _saved.pop()
    if not _saved:
        pyrandom.setstate(py_state)
        numpy.random.set_state(np_state)
        cf_random.set_state(cf_state)


def generate_seed():
    """A seed drawn from the fixed generator (only inside a fixed test)."""
    if not _saved:
        raise RuntimeError('generate_seed: random numbers are not fixed here; decorate the '
                           'test with testing.fix_random()')
    return int(numpy.random.randint(0xffffffff))


def fix_random(*, setup_method='setUp', teardown_method='tearDown'):
    """Decorator fixing the random numbers of a test method or a test class."""
    def decorate(target):
        if isinstance(target, types.FunctionType) and target.__name__.startswith('test_'):
            @functools.wraps(target)
            def run(self, *args, **kwargs):
                _setup()
                try:
                    return target(self, *args, **kwargs)
                finally:
                    _teardown()
            return run
        bundle = target if isinstance(target, _bundle.Bundle) else \
            _bundle.Bundle([_bundle.Generated(target, None, None)])
        for klass, _, _ in bundle.cases:
            _wrap_setup(klass, setup_method, teardown_method)
        return bundle if isinstance(target, _bundle.Bundle) else target
    return decorate


def _wrap_setup(klass, setup_method, teardown_method):
    old_setup = getattr(klass, setup_method)
    old_teardown = getattr(klass, teardown_method)

    @functools.wraps(old_setup)
    def setup(self):
        _setup()
        old_setup(self)

    @functools.wraps(old_teardown)
    def teardown(self):
        try:
            old_teardown(self)
        finally:
            _teardown()
    setattr(klass, setup_method, setup)
    setattr(klass, teardown_method, teardown)
