"""Where eager backprop stops (a Variable without a creator), compiled gradients stop
too: Variable(h.array), h.unchain() and no_backprop_mode inside a traced forward, and a
Variable made from a parameter's array beside the parameter itself -- in a compiled
call (compile) and in a compiled training step (compile_step) alike."""
import warnings

import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L


class Model(chainfuse.Chain):
    def __init__(self, mode):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(3, 4)
            self.l2 = L.Linear(4, 2)
        self.mode = mode

    def forward(self, x):
        h = self.l1(x)
        if self.mode == 'rewrap':
            h = chainfuse.Variable(h.array)
        elif self.mode == 'rewrap_numpy':
            h = chainfuse.Variable(h.array * 2)
        elif self.mode == 'unchain':
            h = F.identity(h)
            h.unchain()
        elif self.mode == 'no_backprop':
            with chainfuse.no_backprop_mode():
                h = F.tanh(h)
        elif self.mode == 'partial':          # one path cut, one path kept
            h = h + chainfuse.Variable(h.array)
        elif self.mode == 'param_rewrap':     # W through l1, and W's array as a leaf
            h = h + F.linear(x, chainfuse.Variable(self.l1.W.array))
        elif self.mode == 'param_numpy':      # numpy on W's array: no gradient to W
            h = h + F.linear(x, chainfuse.Variable(numpy.tanh(self.l1.W.array)))
        return F.sum(self.l2(h) ** 2)


def _run(mode, compiled):
    model = Model(mode)
    model.l1.W.array[...] = numpy.linspace(-1, 1, 12, dtype=numpy.float32).reshape(4, 3)
    model.l2.W.array[...] = 0.2
    if compiled:
        chainfuse.compile(model, fallback='raise')
    x = numpy.random.RandomState(0).rand(5, 3).astype(numpy.float32)
    for _ in range(3):
        model.cleargrads()
        y = model(x)
        y.backward()
    grads = {path: None if p.grad is None else p.grad.copy()
             for path, p in model.namedparams()}
    return float(y.array), grads


MODES = ['rewrap', 'rewrap_numpy', 'unchain', 'no_backprop', 'partial', 'param_rewrap',
         'param_numpy']


@pytest.mark.parametrize('mode', MODES)
def test_compiled_gradients_stop_where_eager_ones_do(mode):
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        loss_e, grads_e = _run(mode, False)
        loss_c, grads_c = _run(mode, True)
    assert loss_c == pytest.approx(loss_e, rel=1e-5)
    for path, g in grads_e.items():
        if g is None:
            assert grads_c[path] is None, path
        else:
            numpy.testing.assert_allclose(grads_c[path], g, rtol=1e-4, atol=1e-6)
    if mode not in ('partial', 'param_rewrap', 'param_numpy'):
        assert grads_e['/l1/W'] is None


def _run_steps(mode, compiled):
    model = Model(mode)
    model.l1.W.array[...] = numpy.linspace(-1, 1, 12, dtype=numpy.float32).reshape(4, 3)
    model.l2.W.array[...] = 0.2
    opt = chainfuse.optimizers.MomentumSGD(lr=0.05)
    opt.setup(model)
    step = chainfuse.compile_step(opt, fallback='raise') if compiled else \
        (lambda x: opt.update(model, x))
    x = numpy.random.RandomState(0).rand(5, 3).astype(numpy.float32)
    for _ in range(4):
        step(x)
    return {path: p.array.copy() for path, p in model.namedparams()}, \
        {path: None if p.grad is None else p.grad.copy() for path, p in model.namedparams()}


@pytest.mark.parametrize('mode', MODES)
def test_compiled_steps_stop_where_eager_ones_do(mode):
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        params_e, grads_e = _run_steps(mode, False)
        params_c, grads_c = _run_steps(mode, True)
    for path, a in params_e.items():
        numpy.testing.assert_allclose(params_c[path], a, rtol=1e-5, atol=1e-6, err_msg=path)
        if grads_e[path] is None:
            assert grads_c[path] is None, path
        else:
            numpy.testing.assert_allclose(grads_c[path], grads_e[path], rtol=1e-4,
                                          atol=1e-6, err_msg=path)
