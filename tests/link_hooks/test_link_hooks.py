"""Link hooks: registration, callbacks, the global `with hook:` form, and what compiled
mode does with them (tests/test_chainer7_parity.py compares the numbers with Chainer)."""
import io

import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import link_hooks

X = numpy.random.default_rng(0).uniform(-1, 1, (3, 4)).astype(numpy.float32)


class Recorder(link_hooks.LinkHook):
    name = 'Recorder'

    def __init__(self):
        self.events = []

    def added(self, link):
        self.events.append(('added', link))

    def deleted(self, link):
        self.events.append(('deleted', link))

    def forward_preprocess(self, args):
        self.events.append(('pre', type(args.link).__name__, args.forward_name))

    def forward_postprocess(self, args):
        self.events.append(('post', type(args.link).__name__, args.out.shape))


def test_add_hook_calls_back_around_forward_and_delete_hook_removes_it():
    link, hook = L.Linear(4, 2), Recorder()
    assert link.add_hook(hook) is link
    assert hook.events == [('added', link)] and list(link.local_link_hooks) == ['Recorder']
    link(X)
    assert hook.events[1:] == [('pre', 'Linear', 'forward'), ('post', 'Linear', (3, 2))]
    with pytest.raises(KeyError, match='already exists'):
        link.add_hook(hook)
    link.add_hook(Recorder(), name='second')
    link.delete_hook('Recorder')
    assert hook.events[-1] == ('deleted', link)
    with pytest.raises(KeyError, match="'Recorder' does not exist"):
        link.delete_hook('Recorder')
    with pytest.raises(TypeError, match='must be a LinkHook'):
        link.add_hook(object())


def test_a_hook_used_as_a_context_manager_sees_every_link():
    hook = Recorder()
    model = L.Classifier(L.Linear(4, 3))
    with hook:
        model(X, numpy.array([0, 1, 2], numpy.int32))
    names = [e[1] for e in hook.events if e[0] == 'pre']
    assert names == ['Classifier', 'Linear']
    assert hook.events[0] == ('added', None) and hook.events[-1] == ('deleted', None)
    model(X, numpy.array([0, 1, 2], numpy.int32))
    assert len([e for e in hook.events if e[0] == 'pre']) == 2     # removed on exit


def test_timer_hook_times_nested_links_and_prints_a_report():
    timer = link_hooks.TimerHook()
    model = L.Classifier(L.Linear(4, 3))
    with timer:
        model(X, numpy.array([0, 1, 2], numpy.int32))
    assert [name for name, _ in timer.call_history] == ['Linear', 'Classifier']
    assert timer.total_time() == pytest.approx(timer.call_history[-1][1])
    out = io.StringIO()
    timer.print_report(file=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ['LinkName', 'ElapsedTime', 'Occurrence']
    assert {line.split()[0] for line in lines[1:]} == {'Linear', 'Classifier'}
    assert link_hooks.TimerLinkHook is link_hooks.TimerHook


def test_an_untraceable_hook_makes_a_compiled_call_run_eagerly_with_a_warning():
    inner = L.Linear(4, 2)
    model = chainfuse.compile(L.Classifier(inner))
    timer = link_hooks.TimerHook()
    inner.add_hook(timer)
    t = numpy.array([0, 1, 0], numpy.int32)
    with pytest.warns(RuntimeWarning, match='TimerHook'):
        model(X, t)
    model(X, t)
    assert [name for name, _ in timer.call_history] == ['Linear', 'Linear']


def test_hooks_on_a_compiled_link_itself_run_eagerly_with_a_warning():
    link = chainfuse.compile(L.Linear(4, 2))
    hook = Recorder()
    link.add_hook(hook)
    with pytest.warns(RuntimeWarning, match='link hooks'):
        y = link(X)
    assert ('post', 'Linear', (3, 2)) in hook.events and y.shape == (3, 2)


def _sn_model():
    model = L.Classifier(L.Linear(4, 3))
    model.predictor.add_hook(link_hooks.SpectralNormalization())
    return model


def test_spectral_normalization_compiles_and_replays_the_power_iteration():
    chainfuse.set_random_seed(0)
    eager = _sn_model()
    chainfuse.set_random_seed(0)
    compiled = _sn_model()
    compiled.copyparams(eager)
    compiled = chainfuse.compile(compiled, fallback='raise')
    t = numpy.array([0, 1, 2], numpy.int32)
    for _ in range(3):
        le, lc = eager(X, t), compiled(X, t)
        numpy.testing.assert_allclose(lc.array, le.array, rtol=1e-6)
        numpy.testing.assert_allclose(compiled.predictor.W_u, eager.predictor.W_u, rtol=1e-6)
        eager.cleargrads()
        compiled.cleargrads()
        le.backward()
        lc.backward()
        numpy.testing.assert_allclose(compiled.predictor.W.grad, eager.predictor.W.grad,
                                      rtol=1e-5, atol=1e-7)
    assert isinstance(compiled.predictor.W, chainfuse.Parameter)


def test_spectral_normalization_bounds_the_spectral_norm_and_keeps_u_in_test_mode():
    link = L.Linear(6, 5)
    link.add_hook(link_hooks.SpectralNormalization(n_power_iteration=30))
    with chainfuse.using_config('train', False):
        u = link.W_u.copy()
        link(X[:, :3].repeat(2, axis=1))
        numpy.testing.assert_array_equal(link.W_u, u)
    link(numpy.ones((1, 6), numpy.float32))
    hook = link.local_link_hooks['SpectralNormalization']
    W = hook.normalize_weight(link).array
    assert numpy.linalg.norm(W, 2) == pytest.approx(1.0, rel=1e-3)
    with pytest.raises(ValueError, match="no weight 'V'"):
        L.Linear(2, 2).add_hook(link_hooks.SpectralNormalization(weight_name='V'))


def test_weight_standardization_gives_zero_mean_unit_variance_filters():
    conv = L.Convolution2D(3, 4, 3)
    conv.add_hook(link_hooks.WeightStandardization())
    x = numpy.ones((1, 3, 3, 3), numpy.float32)
    y = conv(x)
    hook = conv.local_link_hooks['WeightStandardization']
    assert isinstance(conv.W, chainfuse.Parameter) and hook.original_weight is conv.W
    assert y.shape == (1, 4, 1, 1)
    F.sum(y).backward()
    assert conv.W.grad is not None
