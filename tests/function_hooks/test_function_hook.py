"""Function hooks: which callbacks run when, registration, per-node hooks, and compiled
calls falling back to eager while a hook is registered."""
import io
import threading
import warnings

import numpy
import pytest

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import function_hook
from chainfuse.function_hooks import (
    CUDAProfileHook, CupyMemoryProfileHook, PrintHook, TimerHook)


class Recorder(chainer.FunctionHook):
    name = 'Recorder'

    def __init__(self):
        self.events = []

    def added(self, function):
        self.events.append(('added', function))

    def deleted(self, function):
        self.events.append(('deleted', function))

    def forward_preprocess(self, function, in_data):
        self.events.append(('forward_pre', function.label, len(in_data)))

    def forward_postprocess(self, function, in_data):
        self.events.append(('forward_post', function.label, len(in_data)))

    def backward_preprocess(self, function, in_data, out_grad):
        self.events.append(('backward_pre', function.label, tuple(g.shape for g in out_grad)))

    def backward_postprocess(self, function, in_data, out_grad):
        self.events.append(('backward_post', function.label, len(out_grad)))


def test_callbacks_run_around_forward_and_backward():
    x = chainer.Variable(numpy.array([1.0, -2.0], numpy.float32))
    hook = Recorder()
    with hook:
        y = F.sum(x * x)
        y.backward()
    ops = [e for e in hook.events if e[0] not in ('added', 'deleted')]
    assert hook.events[0] == ('added', None) and hook.events[-1] == ('deleted', None)
    assert ops[:4] == [('forward_pre', 'mul', 2), ('forward_post', 'mul', 2),
                       ('forward_pre', 'sum', 1), ('forward_post', 'sum', 1)]
    assert ops[4] == ('backward_pre', 'sum', ((),))
    pre, post = ops.index(('backward_pre', 'mul', ((2,),))), ops.index(('backward_post', 'mul', 1))
    assert pre < post and ('forward_pre', 'mul', 2) in ops[pre:post]    # the vjp's own ops
    assert x.grad.tolist() == [2.0, -4.0]


def test_no_callbacks_outside_the_block_and_registry_is_restored():
    hook = Recorder()
    before = function_hook.state.count
    with hook:
        assert chainer.get_function_hooks()['Recorder'] is hook
        assert function_hook.state.count == before + 1
    assert 'Recorder' not in chainer.get_function_hooks()
    assert function_hook.state.count == before
    n = len(hook.events)
    F.relu(numpy.ones(2, numpy.float32))
    assert len(hook.events) == n


def test_registering_the_same_name_twice_raises():
    with Recorder():
        with pytest.raises(KeyError, match='already registered'):
            with Recorder():
                pass


def test_registry_counts_direct_dict_changes():
    hooks = chainer.get_function_hooks()
    before = function_hook.state.count
    hooks['a'] = Recorder()
    hooks.update(b=Recorder())
    assert function_hook.state.count == before + 2
    hooks.pop('a')
    hooks.clear()
    assert function_hook.state.count == before


def test_hooks_are_per_thread():
    hook = Recorder()
    seen = []
    with hook:
        t = threading.Thread(target=lambda: seen.append(F.relu(numpy.ones(1, 'f'))))
        t.start()
        t.join()
    assert seen and all(e[0] in ('added', 'deleted') for e in hook.events)


def test_hook_added_to_one_node():
    class Double(chainer.FunctionNode):
        def forward(self, inputs):
            return inputs[0] * 2,

        def backward(self, indexes, grad_outputs):
            return grad_outputs[0] * 2,

    node = Double()
    hook = Recorder()
    node.add_hook(hook)
    assert node.local_function_hooks['Recorder'] is hook
    y, = node.apply((chainer.Variable(numpy.ones(2, numpy.float32)),))
    F.relu(y)                       # another node: not hooked
    assert hook.events == [('added', node), ('forward_pre', 'Double', 1),
                           ('forward_post', 'Double', 1)]
    node.delete_hook('Recorder')
    assert hook.events[-1] == ('deleted', node)
    with pytest.raises(KeyError, match='no function hook named'):
        node.delete_hook('Recorder')
    with pytest.raises(TypeError, match='FunctionHook'):
        node.add_hook(object())


def test_timer_hook_times_every_function():
    model = L.Linear(3, 2)
    x = numpy.ones((4, 3), numpy.float32)
    with TimerHook() as hook:
        loss = F.sum(model(x))
        loss.backward()
    summary = hook.summary()
    assert summary['matmul']['occurrence'] >= 1
    assert sum(r['occurrence'] for r in summary.values()) == len(hook.call_history)
    assert 0 < hook.total_time() <= sum(t for _, t in hook.call_history) + 1e-9
    out = io.StringIO()
    hook.print_report(file=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ['FunctionName', 'ElapsedTime', 'Occurrence']
    assert len(lines) == len(summary) + 1
    assert len({len(line) for line in lines}) == 1          # right-aligned columns
    out = io.StringIO()
    hook.print_report(unit='us', file=out)
    assert 'us' in out.getvalue()
    with pytest.raises(ValueError, match='unit must be one of'):
        hook.print_report(unit='hours')


def test_print_hook_prints_inputs_and_gradients():
    out = io.StringIO()
    x = chainer.Variable(numpy.array([[1.0, 3.0]], numpy.float32))
    with PrintHook(file=out):
        y = F.sum(x)
        y.backward()
    text = out.getvalue()
    assert 'function\tsum' in text and 'input data' in text and 'output gradient' in text
    assert '- shape: (1, 2)' in text and 'mean=2.00000000' in text
    with pytest.warns(DeprecationWarning, match='sep'):
        PrintHook(sep=' ')


@pytest.mark.skipif(chainer.backends.cuda.available, reason='CuPy is installed here')
@pytest.mark.parametrize('hook_class', [CupyMemoryProfileHook, CUDAProfileHook])
def test_gpu_hooks_need_cupy(hook_class):
    with pytest.raises(RuntimeError, match='CuPy is not installed'):
        hook_class()


def test_compiled_call_runs_eagerly_under_a_hook_and_matches():
    model = L.Linear(3, 2)
    compiled = chainer.compile(L.Linear(3, 2))
    compiled.copyparams(model)
    x = numpy.random.RandomState(0).randn(4, 3).astype(numpy.float32)
    compiled(x)                                       # traced and compiled
    with Recorder() as hook, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        y = compiled(x)
    assert any('function hooks are registered (Recorder)' in str(w.message) for w in caught)
    assert ('forward_pre', 'matmul', 2) in hook.events       # eager: the hook saw the ops
    numpy.testing.assert_array_equal(y.array, model(x).array)
    y2 = compiled(x)                                  # outside the block: the plan again
    numpy.testing.assert_array_equal(y2.array, y.array)
