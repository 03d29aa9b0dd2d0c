"""dynamic_batch=True: calls that differ only in their batch size are one family, each new
size is traced (so Python code reading the size is followed) without counting as a retrace,
and compiled results equal eager ones at every size, for compile() and compile_step()."""
import copy

import numpy
import pytest

import chainfuse as cf
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import optimizers

SIZES = [16, 7, 16, 1, 7]


class MLP(cf.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(6, 8)
            self.l2 = L.Linear(8, 3)

    def forward(self, x, t):
        h = F.relu(self.l1(x))
        if len(x) > 4:              # Python reading the batch size: traced per size
            h = h * 2
        return F.softmax_cross_entropy(self.l2(h), t)


def _batch(n, seed):
    rng = numpy.random.default_rng(seed)
    return (rng.standard_normal((n, 6)).astype('float32'),
            rng.integers(0, 3, n).astype('int32'))


def _close(a, b):
    numpy.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_compiled_link_matches_eager_at_every_batch_size():
    eager = MLP()
    model = cf.compile(copy.deepcopy(eager), dynamic_batch=True, fallback='raise')
    for i, n in enumerate(SIZES):
        x, t = _batch(n, i)
        for m in (eager, model):
            m.cleargrads()
        want, got = eager(x, t), model(x, t)
        want.backward()
        got.backward()
        _close(got.array, want.array)
        for (name, p), (_, q) in zip(sorted(eager.namedparams()), sorted(model.namedparams())):
            _close(q.grad, p.grad)
    state = model._chainfuse_compiled
    assert state.cache.retraces == 0 and state.stats['fallbacks'] == 0
    assert len(state.cache.misses) == len(set(SIZES))
    assert state.cache.misses[1].startswith('batch size 16 -> 7 (dynamic batch')
    assert list(state.cache.families.values()) == [[16, 7, 1]]
    assert 'batch size 16 -> 7' in str(cf.explain(model))


def test_compiled_step_matches_eager_steps_at_every_batch_size():
    models = [MLP(), None]
    models[1] = copy.deepcopy(models[0])
    opts = [optimizers.Adam(), optimizers.Adam()]
    for m, o in zip(models, opts):
        o.setup(m)
    step = cf.compile_step(opts[1], dynamic_batch=True, fallback='raise')
    for i, n in enumerate(SIZES):
        x, t = _batch(n, 10 + i)
        want = models[0](x, t).array
        opts[0].update(models[0], x, t)
        _close(step(x, t).array, want)
        for (name, p), (_, q) in zip(sorted(models[0].namedparams()),
                                     sorted(models[1].namedparams())):
            _close(q.array, p.array)
    assert step.stats['compiled_calls'] == len(SIZES) - 1      # the first step is eager
    assert step.cache.retraces == 0 and step.stats['fallbacks'] == 0


def test_batch_sizes_are_not_capped_by_max_retraces():
    sizes = [9, 8, 7, 6, 5]
    for dynamic in (True, False):
        # the numpy backend: this is about the cache, not kernels (none are compiled)
        model = cf.compile(MLP(), dynamic_batch=dynamic, max_retraces=2, backend='numpy')
        with _no_warning() if dynamic else pytest.warns(RuntimeWarning, match='retraces'):
            for n in sizes:
                model(*_batch(n, n))
        fallbacks = model._chainfuse_compiled.stats['fallbacks']
        assert fallbacks == 0 if dynamic else fallbacks == 2


def test_a_family_traces_a_bounded_number_of_batch_sizes(monkeypatch):
    from chainfuse.tracer import guards
    monkeypatch.setattr(guards, 'MAX_BATCH_SIZES', 2)
    model = cf.compile(Affine(), backend='numpy')       # dynamic_batch is the default
    for n in (5, 4, 3, 2):
        model(numpy.ones((n, 4), 'float32'))
    cache = model._chainfuse_compiled.cache
    assert cache.batch_traces == 1 and cache.retraces == 2   # sizes 3 and 2: retraces


def test_other_dimensions_are_still_guarded():
    model = cf.compile(Affine(), dynamic_batch=True, backend='numpy')
    model(numpy.ones((5, 4), 'float32'))
    model(numpy.ones((3, 4), 'float32'))
    model(numpy.ones((3, 2), 'float32'))        # another feature size: a retrace
    cache = model._chainfuse_compiled.cache
    assert cache.retraces == 1 and cache.batch_traces == 1
    assert 'shape (3, 4) -> (3, 2)' in cache.misses[-1]


class Affine(cf.Link):
    def forward(self, x):
        return F.sum(x * 2.0, axis=1)


class _no_warning:
    def __enter__(self):
        import warnings
        self.catcher = warnings.catch_warnings()
        self.catcher.__enter__()
        warnings.simplefilter('error', RuntimeWarning)

    def __exit__(self, *exc):
        return self.catcher.__exit__(*exc)
