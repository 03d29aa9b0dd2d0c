"""chainfuse.testing: the table harness must catch what it claims to check."""
import textwrap

import numpy
import pytest

import chainfuse.functions as F
from chainfuse import FunctionNode, Variable, testing
from chainfuse.ops import elementwise as E
from chainfuse.testing import Case, bools, const, ints, nonzero, positive, uniform


class _Node(FunctionNode):
    """sin(x) with a configurable flaw in backward."""

    def __init__(self, scale=1.0, scale_low=1.0):
        self.scale = scale
        self.scale_low = scale_low

    def forward(self, inputs):
        self.retain_inputs((0,))
        return numpy.sin(inputs[0]),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        scale = self.scale if x.dtype == numpy.float64 else self.scale * self.scale_low
        return grad_outputs[0] * E.cos(x) * scale,


def sin_node(x, scale=1.0, scale_low=1.0):
    return _Node(scale, scale_low).apply((x,))[0]


def run_all(case):
    testing.run_case(case)


# ---- specs ----

def test_specs_shapes_and_dtypes():
    rng = numpy.random.default_rng(0)
    assert uniform(3, 4).make(rng, numpy.float16).dtype == numpy.float16
    assert uniform((3, 4)).make(rng, numpy.float32).shape == (3, 4)
    assert uniform().make(rng, numpy.float64).shape == ()
    p = positive(50).make(rng, numpy.float64)
    assert p.min() >= 0.5 and p.max() < 2
    n = nonzero(50).make(rng, numpy.float64)
    assert numpy.abs(n).min() >= 0.5 and (n < 0).any() and (n > 0).any()
    i = ints(5, low=2, high=4, dtype=numpy.int64).make(rng, numpy.float16)
    assert i.dtype == numpy.int64 and set(i.tolist()) <= {2, 3}
    assert bools(4).make(rng, numpy.float32).dtype == numpy.bool_
    assert const([1.5, 2.0]).make(rng, numpy.float16).dtype == numpy.float16
    assert const(numpy.array([1, 2])).make(rng, numpy.float16).dtype.kind == 'i'


def test_inputs_depend_on_the_row_name_only():
    a = Case('exp', [uniform(3)], ref=numpy.exp, name='x1')
    b = Case('exp', [uniform(3)], ref=numpy.exp, name='x1')
    c = Case('exp', [uniform(3)], ref=numpy.exp, name='x2')
    f64 = numpy.float64
    assert testing.make_inputs(a, f64)[0].tolist() == testing.make_inputs(b, f64)[0].tolist()
    assert testing.make_inputs(a, f64)[0].tolist() != testing.make_inputs(c, f64)[0].tolist()
    low = testing.make_inputs(a, numpy.float16)[0]
    assert low.dtype == numpy.float16


# ---- Case validation ----

def test_case_validation():
    with pytest.raises(KeyError, match='no_such_op'):
        Case('no_such_op', [uniform(3)])
    with pytest.raises(ValueError, match='grad index'):
        Case('where', [bools(3), uniform(3), uniform(3)], grad=(0,))
    with pytest.raises(TypeError):
        Case(42, [uniform(3)])
    c = Case('where', [bools(3), uniform(3), uniform(3)])
    assert c.grad_inputs == (1, 2) and c.is_op and c.name == 'where'
    assert Case('logical_not', [bools(3)], grad=False).run_dtypes == (None,)


def test_tolerance_overrides():
    c = Case('exp', [uniform(3)], tol={numpy.float16: (0.1, 0.2), 'backward': (1, 2)})
    assert c.forward_tol(numpy.float16) == (0.1, 0.2)
    assert c.forward_tol(numpy.float32) == testing.FORWARD_TOL[numpy.dtype(numpy.float32)]
    assert c.grad_tol('backward') == (1, 2)
    assert c.grad_tol('double') == testing.GRAD_TOL['double']
    assert Case('exp', [uniform(3)], tol=(1, 2)).forward_tol(numpy.float64) == (1, 2)


# ---- what the runner catches ----

def test_a_correct_row_passes():
    run_all(Case(sin_node, [uniform(3, 2)], ref=numpy.sin))


def test_wrong_forward_value_is_caught():
    with pytest.raises(AssertionError, match='vs reference'):
        testing.run_forward(Case(sin_node, [uniform(3)], ref=numpy.cos), numpy.float32)


def test_float64_computed_in_float32_is_caught():
    def sin32(x):
        return E.astype(E.sin(E.astype(x, dtype=numpy.dtype('f'))), dtype=x.dtype)
    with pytest.raises(AssertionError, match='not close'):
        testing.run_forward(Case(sin32, [uniform(3)], ref=numpy.sin), numpy.float64)


def test_wrong_output_dtype_is_caught():
    def upcast(x):
        return E.astype(x, dtype=numpy.dtype(numpy.float64))
    with pytest.raises(AssertionError, match='dtype float64, expected float32'):
        testing.run_forward(Case(upcast, [uniform(3)], ref=lambda x: x), numpy.float32)


def test_non_variable_output_is_caught():
    with pytest.raises(AssertionError, match='expected a Variable'):
        testing.run_forward(Case(lambda x: x.array * 2, [uniform(3)], ref=lambda x: 2 * x),
                            numpy.float32)


def test_wrong_output_shape_is_caught():
    with pytest.raises(AssertionError, match='shape'):
        testing.run_forward(Case(F.sum, [uniform(3, 2)], ref=lambda x: x.sum(axis=0)),
                            numpy.float32)


def test_wrong_gradient_is_caught():
    case = Case(sin_node, [uniform(3)], attrs=dict(scale=1.01),
                ref=lambda x, scale: numpy.sin(x))
    with pytest.raises(AssertionError, match='numerical'):
        testing.check_case_backward(case)


def test_low_precision_gradient_is_compared_with_float64():
    case = Case(sin_node, [uniform(3)], attrs=dict(scale_low=1.1),
                ref=lambda x, scale_low: numpy.sin(x))
    testing.check_case_backward(case)  # float64 is right
    with pytest.raises(AssertionError, match='vs float64'):
        testing.run_forward(case, numpy.float32)


def test_backward_that_is_not_differentiable_is_caught_by_double():
    def flat(x):  # the gradient is built from arrays: its own gradient is lost
        class Flat(FunctionNode):
            def forward(self, inputs):
                return inputs[0] ** 2,

            def backward(self, indexes, gys):
                return gys[0] * Variable(2 * x.array),
        return Flat().apply((x,))[0]

    case = Case(flat, [uniform(3)], ref=numpy.square)
    testing.check_case_backward(case)
    with pytest.raises(AssertionError, match='numerical'):
        testing.check_case_double_backward(case)


def test_rows_stuck_on_a_kink_fail_clearly():
    case = Case(F.relu, [const([0.0, 1.0])], ref=lambda x: numpy.maximum(x, 0))
    with pytest.raises(AssertionError, match='non-differentiable'):
        testing.check_case_backward(case)


def test_kinks_are_dodged_by_redrawing():
    # abs on uniform values: some draw is away from 0, the check passes
    testing.check_case_backward(Case('abs', [uniform(40)], ref=numpy.abs))


def test_multi_output_row():
    def two(x):
        return x * 2.0, E.exp(x)
    run_all(Case(two, [uniform(3)], ref=lambda x: (x * 2, numpy.exp(x))))


def test_ints_and_bools_rows():
    run_all(Case('where', [bools(2, 3), uniform(2, 3), uniform(3)], ref=numpy.where))
    run_all(Case('equal', [ints(4, high=2), ints(4, high=2)], ref=numpy.equal, grad=False))


# ---- collection and coverage ----

def test_load_tables_collects_rows_and_errors(tmp_path):
    (tmp_path / 'table_good.py').write_text(textwrap.dedent('''
        import numpy
        from chainfuse.testing import Case, uniform
        CASES = [Case('exp', [uniform(2)], ref=numpy.exp),
                 Case('exp', [uniform(2)], ref=numpy.exp)]
    '''))
    (tmp_path / 'table_broken.py').write_text('CASES = [undefined_name]\n')
    (tmp_path / 'other.py').write_text('raise RuntimeError\n')
    loaded = testing.load_tables(tmp_path)
    assert len(loaded.cases) == 2
    assert [e[0] for e in loaded.errors] == ['table_broken.py']
    assert 'undefined_name' in loaded.errors[0][1]
    ids = [p[0] for p in testing.forward_params(loaded)]
    assert ids == ['table_good:exp-f16', 'table_good:exp-f32', 'table_good:exp-f64',
                   'table_good:exp#2-f16', 'table_good:exp#2-f32', 'table_good:exp#2-f64']
    missing = testing.missing_ops(loaded)
    assert 'exp' not in missing and 'log' in missing


def test_missing_functions_lists_uncovered_names(tmp_path):
    (tmp_path / 'table_f.py').write_text(textwrap.dedent('''
        import chainfuse.functions as F
        from chainfuse.testing import Case, uniform
        CASES = [Case(F.relu, [uniform(2)]), Case(lambda x: F.sum(x), [uniform(2)],
                 covers='sum')]
    '''))
    loaded = testing.load_tables(tmp_path)
    names = testing.function_names()
    assert 'relu' in names and 'sum' in names
    missing = testing.missing_functions(loaded)
    assert 'relu' not in missing and 'sum' not in missing


# ---- assert_allclose ----

def test_assert_allclose_accepts_variables_and_reports_the_worst_element():
    testing.assert_allclose(Variable(numpy.ones(3)), numpy.ones(3))
    testing.assert_allclose(numpy.ones(3), 1.0)
    testing.assert_allclose(numpy.array([numpy.nan, 1.0]), numpy.array([numpy.nan, 1.0]))
    with pytest.raises(AssertionError, match=r'worst at index \(1,\)'):
        testing.assert_allclose(numpy.array([1.0, 2.0, 3.0]), numpy.array([1.0, 2.5, 3.1]),
                                atol=0, rtol=0.01)
    with pytest.raises(AssertionError, match='shapes differ'):
        testing.assert_allclose(numpy.ones(3), numpy.ones(4))
