"""The one tracing interface: core calls the tracer installed on this thread."""
import threading

import numpy

import chainfuse
import chainfuse.functions as F
from chainfuse import random as cf_random
from chainfuse import reporter
from chainfuse.core import tracing
from chainfuse.core.state import update_state
from chainfuse.core.variable import Variable


class Log(tracing.Tracer):
    def __init__(self):
        self.calls = []

    def record(self, node, inputs, outputs):
        self.calls.append(('record', node.label))

    def on_concretize(self, variable, how):
        self.calls.append(('concretize', how))
        return variable._data

    def on_state(self, target, new_value):
        self.calls.append(('state',))

    def on_key(self, key, before):
        self.calls.append(('key', before is not None))

    def on_report(self, values, observer):
        self.calls.append(('report', tuple(values)))
        return True

    def on_attr_write(self, link, name, value):
        self.calls.append(('attr', name))


def test_core_calls_every_method_of_the_installed_tracer():
    log = Log()
    x = Variable(numpy.ones((2, 3), numpy.float32))
    link = chainfuse.Link()
    target = numpy.zeros(3, numpy.float32)
    with tracing.installed(log):
        y = F.relu(x)
        y.array
        len(y)
        update_state(target, numpy.ones(3, numpy.float32))
        cf_random.next_key()
        reporter.report({'loss': y})
        link.n = 1
    assert tracing.current() is None
    kinds = [c[0] for c in log.calls]
    assert kinds == ['record', 'concretize', 'concretize', 'state', 'key', 'report', 'attr']
    assert log.calls[1] == ('concretize', '.array') and log.calls[2] == ('concretize', 'len()')
    assert log.calls[4] == ('key', True)          # with the generator's state before
    assert numpy.array_equal(target, numpy.ones(3))  # the write itself still happens


def test_a_tracer_records_only_its_own_thread():
    log = Log()
    seen = []

    def worker():
        seen.append(tracing.current())
        F.relu(Variable(numpy.ones(3, numpy.float32)))

    with tracing.installed(log):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen == [None] and log.calls == []


def test_ops_of_another_thread_stay_out_of_a_trace():
    """A worker thread applying ops while a Link is traced does not add nodes to it."""
    model = chainfuse.links.Linear(3, 2)
    stop = threading.Event()

    def busy():
        while not stop.is_set():
            F.tanh(Variable(numpy.ones(3, numpy.float32)))
    t = threading.Thread(target=busy)
    t.start()
    try:
        tr = chainfuse.tracer.trace(model, numpy.ones((4, 3), numpy.float32))
    finally:
        stop.set()
        t.join()
    assert [n.op.name for n in tr.graph.nodes if n.op.name == 'tanh'] == []


def test_compile_and_compile_step_are_one_front_end():
    from chainfuse.runtime.frontend import Frontend
    model = chainfuse.compile(chainfuse.links.Linear(3, 2))
    opt = chainfuse.optimizers.SGD().setup(chainfuse.links.Linear(3, 2))
    step = chainfuse.compile_step(opt, lambda x: F.sum(opt.target(x)))
    assert isinstance(model._chainfuse_compiled, Frontend) and isinstance(step, Frontend)
    assert type(model._chainfuse_compiled.strategy).__name__ == 'LinkCall'
    assert type(step.strategy).__name__ == 'TrainingStep'
