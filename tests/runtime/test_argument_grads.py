"""Gradients the user reads that are not parameters' ones.

- A compiled step (`compile_step`) given a Variable argument that requires grad leaves
  on it the gradient eager gives it, at every step: a fresh Variable per step, and one
  reused across steps (where eager's backward accumulates into it).
- ``backward(retain_grad=True)`` through a compiled call cannot keep the gradients of
  results the call also uses inside (its backward computes only its inputs'
  gradients): it warns, at the user's line, instead of leaving a partial gradient."""
import warnings

import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L


class Net(chainfuse.Chain):
    def __init__(self):
        super().__init__()
        w = numpy.random.RandomState(0).randn(4, 3).astype('f')
        with self.init_scope():
            self.l1 = L.Linear(3, 4, initialW=w)

    def forward(self, x):
        h = self.l1(x)
        self.h = h
        return F.sum(F.tanh(h) * h)


def _inputs(n=4):
    rs = numpy.random.RandomState(1)
    return [rs.randn(2, 3).astype('f') for _ in range(n)]


def _run_steps(compiled, reuse, keyword=False, verify=0):
    model = Net()
    opt = chainfuse.optimizers.MomentumSGD(0.1)
    opt.setup(model)
    step = chainfuse.compile_step(opt, model, fallback='raise', verify=verify) \
        if compiled else None
    grads, reused = [], chainfuse.Variable(_inputs()[0])
    for a in _inputs():
        x = reused if reuse else chainfuse.Variable(a)
        x.array[...] = a
        args, kwargs = ((), {'x': x}) if keyword else ((x,), {})
        if compiled:
            step(*args, **kwargs)
        else:
            opt.update(model, *args, **kwargs)
        grads.append(x.grad.copy())
    return grads, model.l1.W.array.copy()


@pytest.mark.parametrize('verify', [0, 3], ids=['plain', 'verified'])
@pytest.mark.parametrize('reuse', [False, True], ids=['fresh', 'reused'])
@pytest.mark.parametrize('keyword', [False, True], ids=['positional', 'keyword'])
def test_a_compiled_step_gives_argument_variables_eagers_gradient(reuse, keyword, verify):
    """verify=3 runs an eager reference step on the same argument Variables after the
    plan: their gradient must still be added once."""
    compiled, w_compiled = _run_steps(True, reuse, keyword, verify)
    eager, w_eager = _run_steps(False, reuse, keyword)
    for got, want in zip(compiled, eager):
        numpy.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(w_compiled, w_eager, rtol=1e-5, atol=1e-6)
    if reuse:       # accumulated: the last gradient holds every step's
        assert not numpy.allclose(compiled[-1], compiled[0])


def test_an_argument_that_requires_no_grad_gets_none():
    model = Net()
    opt = chainfuse.optimizers.SGD(0.1)
    opt.setup(model)
    step = chainfuse.compile_step(opt, model, fallback='raise')
    for a in _inputs():
        x = chainfuse.Variable(a, requires_grad=False)
        step(x)
        assert x.grad is None


def _retain(model, retain_grad):
    x = chainfuse.Variable(_inputs()[0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        model(x).backward(retain_grad=retain_grad)       # the line a warning names
    return [w for w in caught if 'retain_grad' in str(w.message)], x


def test_retain_grad_through_a_compiled_call_warns_at_the_users_line():
    model = chainfuse.compile(Net())
    _retain(model, False)                                # traced and compiled
    caught, x = _retain(model, True)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert 'attribute /h' in message and 'eagerly' in message
    assert caught[0].filename == __file__
    assert 'model(x).backward(retain_grad=retain_grad)' in open(__file__).read().splitlines()[
        caught[0].lineno - 1]
    eager_x = chainfuse.Variable(_inputs()[0])
    Net()(eager_x).backward()
    numpy.testing.assert_allclose(x.grad, eager_x.grad, rtol=1e-5)   # inputs' grads hold


def test_no_warning_without_retain_grad_or_internal_results():
    assert _retain(chainfuse.compile(Net()), False)[0] == []

    class Plain(Net):
        def forward(self, x):
            return F.sum(F.tanh(self.l1(x)))
    model = chainfuse.compile(Plain())
    _retain(model, False)
    assert _retain(model, True)[0] == []
