"""The cases of tests/data/chainer7/distribution_cases.py and the numbers Chainer 7.8.1
recorded for them (distributions.npz, written by make_distributions.py)."""
import importlib.util
import pathlib

import numpy

import chainfuse

DATA = pathlib.Path(__file__).resolve().parent.parent / 'data' / 'chainer7'

_spec = importlib.util.spec_from_file_location('_chainer7_distribution_cases',
                                               DATA / 'distribution_cases.py')
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)

with numpy.load(DATA / 'distributions.npz') as _f:
    REF = {k: _f[k] for k in _f.files}

VALUE_CASES = {c.name: c for c in cases.CASES + cases.KL_CASES}
SAMPLE_CASES = {c.name: c for c in cases.SAMPLE_CASES}
QUANTITIES = [(c.name, q) for c in cases.CASES + cases.KL_CASES for q in c.quantities]


def variables(params):
    """Float parameters as Variables that need a gradient, others as they are."""
    return [chainfuse.Variable(p) if p.dtype.kind == 'f' else p for p in params]


def evaluate(case, params, quantity, x, u):
    """The case's quantity computed by chainfuse from `params` (arrays or Variables)."""
    built = case.build(chainfuse, *params)
    return chainfuse.as_variable(case.evaluate(chainfuse, built, quantity, x, u))


def tolerance(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == numpy.float32 else dict(rtol=1e-10,
                                                                         atol=1e-12)
