"""The one interface between core and a tracer.

While a call is traced, one `Tracer` (the tracer's ``Recorder``, or the autodiff
pass's abstract recorder) is installed for the current thread with `installed`, as
``config`` values are: ops applied by other threads (an iterator's workers) are never
recorded into it.  Core code reads ``local.tracer`` (None when nothing records; one
attribute read, so eager code pays nothing more) and calls these methods:

==========================  ====================================================
where                       method
==========================  ====================================================
``FunctionNode.apply``      ``plain_arrays(arrays)`` before ``forward``;
                            ``abstract_forward(node, arrays)`` instead of
                            ``forward`` when ``abstract`` is true;
                            ``record(node, inputs, outputs)`` after it
``Variable.array``, ...     ``on_concretize(variable, how)``: a value leaves the
                            graph (``.array``, ``bool()``, ``len()``, ``float()``)
``core.state.update_state`` ``on_state(target_array, new_value)``
``random.next_key``         ``on_key(key, generator_state_before)``
``random.next_key``, ``draw`` ``on_draw(generator, state_before, state_after)``: a
                            draw from numpy's global generator a replay need not
                            repeat (a key, a parameter's initial values)
``reporter.report``         ``on_report(values, observer)``; True: taken
``step_ops`` (optimizers)   ``on_hyper(arrays, update_rule)``
``Link.__setattr__``        ``on_attr_write(link, name, value)`` (value None: del)
``backward()``, ``grad()``  ``backward(outputs, grads, retain_grad, double,
                            want, loss_scale)``: ``(True, result)`` when the
                            tracer derived the gradients itself (the Recorder:
                            by the IR's reverse walk), ``(False, None)`` to let
                            eager's graph walk run
==========================  ====================================================

The defaults below do nothing (values pass through), so a tracer overrides what it
records.  The Python-state watcher of `chainfuse.tracer.python_state` also reads
Link attributes, globals and ``config`` through temporary hooks of its own while a
trace runs; its docstring describes them.
"""
import contextlib
import threading


class Tracer:
    """The methods core calls on the installed tracer (module docstring)."""

    abstract = False

    def plain_arrays(self, arrays):
        return arrays

    def abstract_forward(self, node, arrays):
        raise NotImplementedError(f'{type(self).__name__} does not trace abstractly')

    def record(self, node, inputs, outputs):
        pass

    def on_concretize(self, variable, how):
        return variable._data

    def on_state(self, target, new_value):
        pass

    def on_key(self, key, before):
        pass

    def on_draw(self, generator, before, after):
        pass

    def on_report(self, values, observer):
        return False

    def on_hyper(self, arrays, source):
        pass

    def on_attr_write(self, link, name, value):
        pass

    def backward(self, outputs, grad_outputs, retain_grad, double, want, loss_scale):
        return False, None


class _Local(threading.local):
    tracer = None


local = _Local()


def current():
    """The tracer recording on this thread, or None."""
    return local.tracer


def install(tracer):
    """Installs `tracer` (or None) for this thread; returns the previous one."""
    old, local.tracer = local.tracer, tracer
    return old


@contextlib.contextmanager
def installed(tracer):
    """Within this block `tracer` records this thread's ops."""
    old = install(tracer)
    try:
        yield tracer
    finally:
        install(old)
