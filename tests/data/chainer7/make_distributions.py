"""Records the Chainer 7.8.1 side of the distribution cases into ``distributions.npz``.

Run with a Chainer 7.8.1 install (numpy 1.23.5, CPU) that can import SciPy (Chainer's
``F.lgamma``, ``F.digamma``, ``F.ndtr``... need it on the CPU), from the repository root::

    /path/to/chainer7/bin/python tests/data/chainer7/make_distributions.py

(SciPy 1.10.1 works with numpy 1.23.5: ``pip install --target DIR scipy==1.10.1``, remove
the numpy pip puts beside it, and run with ``PYTHONPATH=DIR``.)  The cases are in
`distribution_cases.py`; the keys are ``<case>/param<k>``, ``<case>/x``, ``<case>/u``,
``<case>/batch_shape``, ``<case>/event_shape``, ``<case>/params`` (the names),
``<case>/support``, ``<case>/<quantity>``,
``<case>/<quantity>/w`` (the weights of the differentiated scalar) and
``<case>/<quantity>/grad<k>`` (its gradient for parameter k, saved when the quantity is
finite), ``<case>/sample`` for the sample cases, and ``api/<module or class>``: the
public names of ``chainer.distributions`` and of each distribution class.
"""
import os
import sys
import warnings

import numpy

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import chainer  # noqa: E402
import distribution_cases as cases  # noqa: E402


def _variables(params):
    return [chainer.Variable(p) if p.dtype.kind == 'f' else p for p in params]


def _shapes(case, built, out):
    if isinstance(built, chainer.Distribution):
        out[f'{case.name}/batch_shape'] = numpy.array(built.batch_shape, numpy.int64)
        out[f'{case.name}/event_shape'] = numpy.array(built.event_shape, numpy.int64)
        out[f'{case.name}/params'] = numpy.array(sorted(built.params))
        try:
            out[f'{case.name}/support'] = numpy.array(built.support)
        except NotImplementedError:
            pass


def _public(obj):
    return numpy.array(sorted(n for n in dir(obj) if not n.startswith('_')))


def record_api(out):
    """The public names of the module, the top level's distribution names and every
    distribution class (``api/...``)."""
    out['api/distributions'] = _public(chainer.distributions)
    out['api/toplevel'] = numpy.array([n for n in ('Distribution', 'cross_entropy',
                                                   'kl_divergence', 'register_kl',
                                                   'distribution', 'distributions')
                                       if hasattr(chainer, n)])
    out['api/Distribution'] = _public(chainer.Distribution)
    for name in dir(chainer.distributions):
        cls = getattr(chainer.distributions, name)
        if isinstance(cls, type) and issubclass(cls, chainer.Distribution):
            out[f'api/{name}'] = _public(cls)


def record(case, out):
    params, x, u = case.make()
    for k, p in enumerate(params):
        out[f'{case.name}/param{k}'] = p
    if x is not None:
        out[f'{case.name}/x'] = x
    if u is not None:
        out[f'{case.name}/u'] = u
    _shapes(case, case.build(chainer, *params), out)
    for q in case.quantities:
        vs = _variables(params)
        y = chainer.as_variable(case.evaluate(chainer, case.build(chainer, *vs), q, x, u))
        key = f'{case.name}/{q}'
        out[key] = y.array
        if y.dtype.kind != 'f' or not numpy.isfinite(y.array).all():
            continue
        w = numpy.random.RandomState(1).uniform(-1, 1, y.shape).astype(y.dtype)
        out[f'{key}/w'] = w
        chainer.functions.sum(y * w).backward()
        for k, v in enumerate(vs):
            if isinstance(v, chainer.Variable) and v.grad is not None:
                out[f'{key}/grad{k}'] = v.grad


def record_sample(case, out):
    params, _, _ = case.make()
    for k, p in enumerate(params):
        out[f'{case.name}/param{k}'] = p
    dist = case.build(chainer, *params)
    numpy.random.seed(0)
    out[f'{case.name}/sample'] = dist.sample(case.shape).array


def main():
    assert chainer.__version__ == '7.8.1', chainer.__version__
    out = {}
    record_api(out)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)
        for case in cases.CASES + cases.KL_CASES:
            record(case, out)
        for case in cases.SAMPLE_CASES:
            record_sample(case, out)
    numpy.savez_compressed(os.path.join(HERE, 'distributions.npz'), **out)
    print(f'{len(out)} arrays from {len(cases.CASES) + len(cases.KL_CASES)} cases and '
          f'{len(cases.SAMPLE_CASES)} sample cases')


if __name__ == '__main__':
    main()
