"""A Python list where an array is expected: one clear TypeError, eager and compiled."""
import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L

MESSAGE = (r"Linear: argument 0 is a Python list \(\[\[1.0, 2.0, 3.0\]\]\); expected a numpy "
           r"or cupy array or a Variable")


def test_eager_link_names_the_list_and_what_is_expected():
    with pytest.raises(TypeError, match=MESSAGE):
        L.Linear(3, 2)([[1., 2., 3.]])


def test_compiled_link_gives_the_same_error():
    link = chainfuse.compile(L.Linear(3, 2))
    with pytest.raises(TypeError, match=MESSAGE):
        link([[1., 2., 3.]])
    assert link._chainfuse_compiled.entries == []  # nothing was traced


def test_compiled_link_in_eager_mode_gives_the_same_error():
    link = chainfuse.compile(L.Linear(3, 2))
    with chainfuse.eager(), pytest.raises(TypeError, match=MESSAGE):
        link([[1., 2., 3.]])


def test_keyword_list_is_named():
    model = L.Classifier(L.Linear(3, 2))
    x = numpy.ones((1, 3), numpy.float32)
    with pytest.raises(TypeError, match=r"Classifier: argument 1 is a Python list \(\[0\]\)"):
        model(x, [0])


def test_compiled_step_gives_the_error():
    model = L.Classifier(L.Linear(3, 2))
    opt = chainfuse.optimizers.SGD()
    opt.setup(model)
    step = chainfuse.compile_step(opt)
    x = numpy.ones((1, 3), numpy.float32)
    with pytest.raises(TypeError, match=r'argument 1 is a Python list'):
        step(x, [0])


def test_lists_of_arrays_and_tuples_still_pass():
    def total(xs, axis):
        return F.sum(F.concat(xs, axis=0), axis=axis)

    f = chainfuse.compile(total)
    xs = [numpy.ones((2, 3), numpy.float32), numpy.ones((1, 3), numpy.float32)]
    numpy.testing.assert_array_equal(f(xs, (0, 1)).array, numpy.float32(9))
    numpy.testing.assert_array_equal(total(xs, (0, 1)).array, numpy.float32(9))


def test_a_list_reaching_an_op_is_named_by_the_function_the_user_called():
    with pytest.raises(TypeError, match=r'^ReLU: an input is a list, not a Variable, an array '
                                        r'or a Python scalar; convert it with numpy.asarray '
                                        r'first \(the primitive op maximum got it'):
        F.relu([1.0, 2.0])
    x = chainfuse.Variable(numpy.ones(2, numpy.float32))
    with pytest.raises(TypeError, match=r'^add: argument 1 is a list, not a Variable'):
        x + [1.0, 2.0]          # an operator: no function call to name, the op is named


X = numpy.ones((2, 3), 'float32')
IDS = numpy.array([0, 1], 'int32')


@pytest.mark.parametrize('call, where', [
    (lambda: F.linear(X, [[1., 2., 3.]]), "F.linear: argument 1"),
    (lambda: F.linear(X, W=[[1., 2., 3.]]), "F.linear: argument 'W'"),
    (lambda: F.linear([[1., 2., 3.]], numpy.ones((2, 3), 'float32')), "F.linear: argument 0"),
    (lambda: F.embed_id(IDS, [[1., 2.], [3., 4.]]), "F.embed_id: argument 1"),
])
def test_a_list_read_before_any_op_is_named_too(call, where):
    # these functions read .ndim/.shape of their arguments before applying an op
    with pytest.raises(TypeError, match=where + r' is a Python list .*expected a numpy'):
        call()


def test_other_attribute_errors_pass_unchanged():
    with pytest.raises(AttributeError, match="'tuple' object has no attribute"):
        F.linear(X, (1., 2., 3.))
