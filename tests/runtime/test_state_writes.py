"""A traced call that writes in place into an array it reads from Python state: a
parameter's or a persistent's array, a global, a closure variable, an array held in a
list attribute.

Such a write would happen when the call is traced and never when it is replayed, so
compiled results would drift from eager ones with no sign.  The arrays are read-only
while the call is traced: the write stops where it is made, the call runs eagerly with
one warning naming that line (``fallback='raise'``: a GraphBreak), and the results
equal eager's at every call.  Writes the tracer records (`update_state`:
BatchNormalization's statistics, an optimizer's update) still compile."""
import warnings

import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse.tracer.errors import GraphBreak


class ScalesW(chainfuse.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l = L.Linear(3, 2, initialW=numpy.arange(6, dtype='f').reshape(2, 3) / 6)

    def forward(self, x):
        self.l.W.array[...] *= 1.5          # WRITE_W
        return F.sum(self.l(x))


class Counts(chainfuse.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l = L.Linear(3, 2, initialW=numpy.ones((2, 3), 'f'))
        self.add_persistent('calls', numpy.zeros((), 'f'))

    def forward(self, x):
        self.calls += 1                     # WRITE_COUNT
        return F.sum(self.l(x)) * self.calls


COUNTER = numpy.zeros(3, 'f')


class WritesGlobal(Counts):
    def forward(self, x):
        COUNTER[0] += 1                     # WRITE_GLOBAL
        return F.sum(self.l(x)) * COUNTER[0]


class WritesListItem(Counts):
    def __init__(self):
        super().__init__()
        self.buffers = [numpy.zeros(3, 'f')]

    def forward(self, x):
        b = self.buffers[0]
        b[1] += 1                           # WRITE_ITEM
        return F.sum(self.l(x)) * b[1]


def _closure_model():
    total = numpy.zeros((), 'f')

    class WritesCell(Counts):
        def forward(self, x):
            total[...] += 1                 # WRITE_CELL
            return F.sum(self.l(x)) * total
    return WritesCell


def _line(marker):
    lines = open(__file__).read().splitlines()
    return next(i + 1 for i, text in enumerate(lines) if text.rstrip().endswith(marker))


def _x(i):
    return numpy.full((2, 3), i + 1, 'f')


def _state(model):
    return [p.array.copy() for _, p in sorted(model.namedparams())] + \
        [numpy.array(getattr(model, 'calls', 0))]


@pytest.mark.parametrize('make, marker', [
    (lambda: ScalesW, '# WRITE_W'), (lambda: Counts, '# WRITE_COUNT'),
    (lambda: WritesGlobal, '# WRITE_GLOBAL'), (lambda: WritesListItem, '# WRITE_ITEM'),
    (_closure_model, '# WRITE_CELL')], ids=['param', 'persistent', 'global', 'list', 'cell'])
def test_a_write_into_state_the_call_reads_runs_eagerly_and_matches_eager(make, marker):
    COUNTER[...] = 0
    eager = make()()
    eager_results = [eager(_x(i)).array for i in range(4)]
    COUNTER[...] = 0
    cls = make()
    compiled = chainfuse.compile(cls())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        for i, want in enumerate(eager_results):
            numpy.testing.assert_allclose(compiled(_x(i)).array, want, rtol=1e-6)
    for a, b in zip(_state(compiled), _state(eager)):
        numpy.testing.assert_allclose(a, b, rtol=1e-6)
    ours = [w for w in caught if 'in-place write into an array' in str(w.message)]
    assert len(ours) == 1
    assert (ours[0].filename, ours[0].lineno) == (__file__, _line(marker))
    assert all(p.array.flags.writeable for _, p in compiled.namedparams())
    assert COUNTER.flags.writeable and getattr(compiled, 'calls', COUNTER).flags.writeable


def test_with_fallback_raise_the_break_names_the_line_and_nothing_was_written():
    model = chainfuse.compile(ScalesW(), fallback='raise')
    before = model.l.W.array.copy()
    with pytest.raises(GraphBreak, match=f'in-place write.*{__file__}:{_line("# WRITE_W")}'):
        model(_x(0))
    numpy.testing.assert_array_equal(model.l.W.array, before)
    assert model.l.W.array.flags.writeable


def test_a_compiled_step_whose_loss_writes_a_parameter_matches_eager():
    def run(compiled):
        model = ScalesW()
        opt = chainfuse.optimizers.SGD(0.1)
        opt.setup(model)
        step = chainfuse.compile_step(opt, model) if compiled else \
            (lambda x: opt.update(model, x))
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            for i in range(4):
                step(_x(i))
        return model.l.W.array.copy()
    numpy.testing.assert_allclose(run(True), run(False), rtol=1e-6)


def test_recorded_state_writes_still_compile():
    """BatchNormalization updates its statistics through update_state; an optimizer
    updates parameters the same way: both compile with fallback='raise'."""
    class Net(chainfuse.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l = L.Linear(3, 4, initialW=numpy.ones((4, 3), 'f'))
                self.bn = L.BatchNormalization(4)

        def forward(self, x):
            return F.sum(self.bn(self.l(x)) ** 2)
    eager, compiled = Net(), chainfuse.compile(Net(), fallback='raise')
    xs = [numpy.random.RandomState(i).randn(5, 3).astype('f') for i in range(3)]
    for x in xs:
        numpy.testing.assert_allclose(compiled(x).array, eager(x).array, rtol=1e-5)
    assert '0 eager fallback(s)' in str(chainfuse.explain(compiled))
    numpy.testing.assert_allclose(compiled.bn.avg_mean, eager.bn.avg_mean, rtol=1e-5)
    model = Net()
    opt = chainfuse.optimizers.Adam()
    opt.setup(model)
    step = chainfuse.compile_step(opt, model, fallback='raise')
    for x in xs:
        step(x)
    assert '0 eager fallback(s)' in str(chainfuse.explain(step))
    assert model.l.W.array.flags.writeable and model.bn.avg_mean.flags.writeable
