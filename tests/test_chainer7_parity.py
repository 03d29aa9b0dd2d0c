"""chainfuse against numbers recorded with Chainer 7.8.1 (tests/data/chainer7/parity.npz,
written by tests/data/chainer7/make_parity.py from the cases in parity_cases.py).

Every case runs eagerly and, unless it says otherwise, through ``chainfuse.compile``
(the case's call wrapped in a Chain): outputs, gradients of the weighted sum of the
outputs with respect to the inputs and to every parameter must match Chainer's.  A
link case must have Chainer's parameter names and shapes (its parameters are loaded
from the fixture), and with ``check_init`` its initial values too.
"""
import importlib.util
import pathlib

import numpy
import pytest

import chainfuse
from chainfuse import Variable

DATA = pathlib.Path(__file__).parent / 'data' / 'chainer7'


def _load_cases():
    spec = importlib.util.spec_from_file_location('_chainer7_parity_cases',
                                                  DATA / 'parity_cases.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _load_cases()
with numpy.load(DATA / 'parity.npz') as _f:
    FIXTURE = {k: _f[k] for k in _f.files}


def _fixture(case):
    prefix = case.name + '/'
    return {k[len(prefix):]: v for k, v in FIXTURE.items() if k.startswith(prefix)}


class _Call(chainfuse.Chain):
    """A case's call as a Link, so ``chainfuse.compile`` can wrap it."""

    def __init__(self, case, link):
        super().__init__()
        self.case = case
        if link is not None:
            with self.init_scope():
                self.inner = link

    def forward(self, *xs):
        args = (chainfuse, self.inner) if self.case.link is not None else (chainfuse,)
        return tuple(CASES.flatten(self.case.call(*args, *xs)))


def _load_params(case, link, ref):
    ours = dict(link.namedparams())
    theirs = {k[len('param'):]: v for k, v in ref.items() if k.startswith('param/')}
    assert sorted(ours) == sorted(theirs), (
        f'{case.name}: parameter names differ from Chainer\'s: {sorted(ours)} vs '
        f'{sorted(theirs)}')
    for path, p in ours.items():
        assert p.shape == theirs[path].shape, f'{case.name}: {path} has shape {p.shape}, ' \
            f'Chainer\'s {theirs[path].shape}'
        p.array[...] = theirs[path]
    # persistent arrays (running statistics, a hook's vectors) start from Chainer's too
    persistents = dict(link.namedpersistents())
    for key, value in ref.items():
        if key.startswith('persist/'):
            path = key[len('persist'):]
            assert path in persistents, f'{case.name}: no persistent {path}; ours: ' \
                f'{sorted(persistents)}'
            persistents[path][...] = value


def _check_init(case, link, ref, atol, rtol):
    for path, p in link.namedparams():
        numpy.testing.assert_allclose(p.array, ref['init' + path], atol=atol, rtol=rtol,
                                      err_msg=f'{case.name}: initial {path}')


def _build(case, ref):
    link = case.link(chainfuse) if case.link is not None else None
    if link is not None and case.check_init:
        _check_init(case, link, ref, *case.tol)
    return link


def _inputs(case, ref):
    xs = [ref[f'in{k}'] for k in range(len(case.inputs))]
    return [Variable(x.copy()) if x.dtype.kind == 'f' and k not in case.nograd else x.copy()
            for k, x in enumerate(xs)]


def _compare(case, ref, outs, xs, link, mode):
    atol, rtol = case.tol
    n_out = len([k for k in ref if k.startswith('out')])
    assert len(outs) == n_out, f'{case.name} ({mode}): {len(outs)} outputs, Chainer {n_out}'
    total = None
    for k, y in enumerate(outs):
        want = ref[f'out{k}']
        got = y.array if isinstance(y, Variable) else y
        assert got.shape == want.shape, f'{case.name} ({mode}): output {k} shape ' \
            f'{got.shape}, Chainer {want.shape}'
        numpy.testing.assert_allclose(got, want, atol=atol, rtol=rtol,
                                      err_msg=f'{case.name} ({mode}): output {k}')
        if f'w{k}' in ref:
            term = chainfuse.functions.sum(y * ref[f'w{k}'])
            total = term if total is None else total + term
    if total is None:
        return
    if link is not None:
        link.cleargrads()
    total.backward()
    for k, x in enumerate(xs):
        if f'gin{k}' in ref:
            assert x.grad is not None, f'{case.name} ({mode}): input {k} got no gradient'
            numpy.testing.assert_allclose(x.grad, ref[f'gin{k}'], atol=atol, rtol=rtol,
                                          err_msg=f'{case.name} ({mode}): gradient of input '
                                                  f'{k}')
    if link is not None:
        for path, p in link.namedparams():
            key = 'gparam' + path
            if key in ref:
                assert p.grad is not None, f'{case.name} ({mode}): {path} got no gradient'
                numpy.testing.assert_allclose(p.grad, ref[key], atol=atol, rtol=rtol,
                                              err_msg=f'{case.name} ({mode}): gradient of '
                                                      f'{path}')


def _run(case, compiled):
    ref = _fixture(case)
    assert ref, f'{case.name}: not in parity.npz; run make_parity.py with Chainer 7.8.1'
    link = _build(case, ref)
    wrapper = _Call(case, link)
    if compiled:
        wrapper = chainfuse.compile(wrapper, fallback='raise', backend='numpy')
    with chainfuse.using_config('train', case.train):
        if link is not None and case.warmup:
            wrapper(*_inputs(case, ref))
            if hasattr(link, 'reset_state'):
                link.reset_state()
        if link is not None and case.params:
            _load_params(case, link, ref)
        xs = _inputs(case, ref)
        outs = wrapper(*xs)
    _compare(case, ref, list(outs), xs, link, 'compiled' if compiled else 'eager')


PARAMS = [pytest.param(c, False, id=f'{c.name}-eager') for c in CASES.CASES] + \
    [pytest.param(c, True, id=f'{c.name}-compiled') for c in CASES.CASES if c.compiled]


@pytest.mark.parametrize('case,compiled', PARAMS)
def test_matches_chainer(case, compiled):
    _run(case, compiled)


def test_every_case_is_recorded_and_nothing_else():
    names = {c.name for c in CASES.CASES}
    recorded = {k.split('/')[0] for k in FIXTURE}
    assert names == recorded, (f'parity.npz is stale: missing {sorted(names - recorded)}, '
                               f'extra {sorted(recorded - names)}; rerun make_parity.py')
