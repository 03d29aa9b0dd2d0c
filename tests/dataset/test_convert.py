import numpy
import pytest

from chainfuse import backend
from chainfuse.dataset import Converter, concat_examples, converter, to_device


def test_tuples_become_a_tuple_of_stacked_arrays():
    batch = [(numpy.array([1., 2.], numpy.float32), numpy.int32(0)),
             (numpy.array([3., 4.], numpy.float32), numpy.int32(1))]
    x, t = concat_examples(batch)
    numpy.testing.assert_array_equal(x, [[1, 2], [3, 4]])
    assert x.dtype == numpy.float32 and t.dtype == numpy.int32
    numpy.testing.assert_array_equal(t, [0, 1])


def test_dicts_become_a_dict_and_arrays_one_array():
    batch = [{'x': numpy.ones(2), 't': 1}, {'x': numpy.zeros(2), 't': 2}]
    out = concat_examples(batch)
    assert set(out) == {'x', 't'}
    numpy.testing.assert_array_equal(out['x'], [[1, 1], [0, 0]])
    numpy.testing.assert_array_equal(out['t'], [1, 2])
    numpy.testing.assert_array_equal(concat_examples([numpy.ones(3)] * 2), numpy.ones((2, 3)))
    numpy.testing.assert_array_equal(concat_examples([1, 2, 3]), [1, 2, 3])


def test_padding_scalar_tuple_and_dict():
    y = [(numpy.array([1, 2]), 0), (numpy.array([3]), 1), (numpy.array([], int), 2)]
    x, t = concat_examples(y, padding=100)
    numpy.testing.assert_array_equal(x, [[1, 2], [3, 100], [100, 100]])
    numpy.testing.assert_array_equal(t, [0, 1, 2])
    z = [(numpy.array([1, 2]), numpy.array([0])), (numpy.array([3]), numpy.array([], int))]
    a, b = concat_examples(z, padding=(-1, -2))
    numpy.testing.assert_array_equal(a, [[1, 2], [3, -1]])
    numpy.testing.assert_array_equal(b, [[0], [-2]])
    d = concat_examples([{'v': numpy.array([[1]])}, {'v': numpy.array([[1, 2], [3, 4]])}],
                        padding={'v': 0})
    numpy.testing.assert_array_equal(d['v'], [[[1, 0], [0, 0]], [[1, 2], [3, 4]]])


def test_mismatched_shapes_without_padding_say_so():
    with pytest.raises(ValueError, match=r'different shapes.*padding'):
        concat_examples([(numpy.ones(2), 0), (numpy.ones(3), 1)])
    with pytest.raises(ValueError, match='empty'):
        concat_examples([])
    with pytest.raises(ValueError, match='tuple of 2 elements'):
        concat_examples([(1, 2), (1,)])


def test_device_argument_sends_to_cpu_and_none_leaves_it():
    a = numpy.arange(3)
    assert to_device(None, a) is a
    numpy.testing.assert_array_equal(to_device(-1, a), a)
    x, = concat_examples([(a,), (a,)], device='@numpy')
    assert isinstance(x, numpy.ndarray) and x.shape == (2, 3)
    x, = concat_examples([(a,), (a,)], -1)
    assert isinstance(x, numpy.ndarray)


def test_converter_decorator_resolves_device_specs():
    seen = []

    @converter()
    def my_converter(batch, device):
        seen.append(device)
        return batch

    assert isinstance(my_converter, Converter)
    my_converter([1], -1)
    my_converter([1], device='@numpy')
    my_converter([1], None)
    assert seen[0] is backend.CPU and seen[1] is backend.CPU and seen[2] is None
    with pytest.raises(TypeError):
        converter()(42)
