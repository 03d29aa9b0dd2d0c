"""Chainer 7's top-level functions: backward from several outputs, runtime info, debug
mode, dtypes and array types."""
import io
import warnings

import numpy
import pytest

import chainfuse as chainer
import chainfuse.functions as F


def test_backward_from_several_outputs_sums_their_gradients():
    x = chainer.Variable(numpy.array([1.0, 2.0], numpy.float32))
    y1, y2 = x * x, 3 * x
    chainer.backward([y1, y2], [chainer.Variable(numpy.ones(2, numpy.float32)),
                                numpy.full(2, 2.0, numpy.float32)])
    assert x.grad.tolist() == [8.0, 10.0]           # 2x + 3 * 2
    assert y1.grad is None


def test_backward_uses_the_outputs_grads_and_clears_them():
    x = chainer.Variable(numpy.array([1.0, 2.0], numpy.float32))
    z = F.sum(x * x)
    z.grad = numpy.ones((), numpy.float32)
    w = x * 2
    w.grad = numpy.ones(2, numpy.float32)
    chainer.backward([z, w])
    assert x.grad.tolist() == [4.0, 6.0] and z.grad is None and w.grad is None


def test_backward_makes_no_default_gradient():
    x = chainer.Variable(numpy.array([1.0, 2.0], numpy.float32))
    z = F.sum(x * x)
    with pytest.warns(RuntimeWarning, match='sets no default gradient'):
        chainer.backward([z])
    assert x.grad is None


def test_backward_double_backprop():
    x = chainer.Variable(numpy.array([3.0], numpy.float32))
    y = x ** 3
    chainer.backward([y], [numpy.ones(1, numpy.float32)], enable_double_backprop=True)
    gx = x.grad_var
    x.cleargrad()
    gx.backward()
    assert x.grad.tolist() == [18.0]                # d/dx 3x^2 = 6x


@pytest.mark.parametrize('outputs, grads, error, match', [
    ('y', None, TypeError, 'tuple or a list'),
    ([1.0], None, TypeError, 'must be a Variable'),
    (['y'], 'g', TypeError, 'grad_outputs must be None'),
    (['y', 'y'], ['g'], ValueError, '2 outputs but 1 grad_outputs'),
    (['y'], ['bad'], ValueError, 'shape'),
])
def test_backward_bad_arguments(outputs, grads, error, match):
    y = chainer.Variable(numpy.ones(2, numpy.float32)) * 2
    names = {'y': y, 'g': numpy.ones(2, numpy.float32), 'bad': numpy.ones(3, numpy.float32)}
    outputs = names['y'] if outputs == 'y' else [names.get(o, o) for o in outputs]
    if isinstance(grads, list):
        grads = [names[g] for g in grads]
    elif grads is not None:
        grads = names[grads]
    with pytest.raises(error, match=match):
        chainer.backward(outputs, grads)


def test_print_runtime_info():
    out = io.StringIO()
    chainer.print_runtime_info(out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith('Platform: ') and lines[1] == f'chainfuse: {chainer.__version__}'
    assert 'ChainerX: Not Available' in lines and f'NumPy: {numpy.__version__}' in lines
    assert any(line.startswith('CuPy: ') for line in lines)
    assert 'iDeep: Not Available' in lines


def test_debug_mode():
    assert chainer.is_debug() is False
    chainer.set_debug(True)
    try:
        assert chainer.is_debug() is True
    finally:
        chainer.set_debug(False)
    with pytest.warns(DeprecationWarning, match='using_config'):
        mode = chainer.DebugMode(True)
    with mode:
        assert chainer.config.debug is True
    assert chainer.config.debug is False


def test_get_dtype_and_mixed16():
    assert chainer.get_dtype() == numpy.float32
    assert chainer.get_dtype(numpy.float64) == numpy.float64
    assert repr(chainer.mixed16) == "dtype('mixed16')"
    with chainer.using_config('dtype', chainer.mixed16):
        assert chainer.get_dtype() == numpy.float16
        assert chainer.get_dtype(map_mixed16=numpy.float32) == numpy.float32
    assert chainer.get_compute_mode() is None


def test_array_types():
    assert numpy.ndarray in chainer.get_array_types()
    assert chainer.get_cpu_array_types() == (numpy.ndarray,)
    assert chainer.is_arrays_compatible([numpy.ones(1), None, numpy.zeros(2)])
    assert chainer.is_arrays_compatible([])
    assert not chainer.is_arrays_compatible([numpy.ones(1), [1.0]])
    assert repr(chainer.Fallback) == 'Fallback'


def test_chainer_base_classes_are_exported():
    assert issubclass(chainer.links.Linear, chainer.Link)
    assert isinstance(chainer.initializers.Normal(), chainer.Initializer)
    assert issubclass(chainer.optimizers.Adam, chainer.GradientMethod)
    assert issubclass(chainer.GradientMethod, chainer.Optimizer)
    assert issubclass(chainer.serializers.DictionarySerializer, chainer.Serializer)
    assert issubclass(chainer.Serializer, chainer.AbstractSerializer)
    assert issubclass(chainer.FunctionAdapter, chainer.FunctionNode)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert chainer.should_use_cudnn('>=auto') is chainer.backends.cuda.cudnn_enabled
