"""dump_graph: writes the graph of a reported value as DOT files, and small ones as images."""
import os

from chainfuse import computational_graph
from chainfuse.config import config
from chainfuse.core.variable import Variable
from chainfuse.training import extension
from chainfuse.utils import atomic_write

MAX_IMAGE_NODES = 100


def dump_graph(root_name, filename='cg.dot', variable_style=None, function_style=None,
               image_format='png', max_image_nodes=MAX_IMAGE_NODES):
    """Returns an extension that dumps the graph of ``observation[root_name]`` once.

    At the first iteration it takes the reported Variable (e.g. 'main/loss'),
    builds `chainfuse.computational_graph.build_computational_graph` from it and
    writes ``<out>/<filename>``.  Node names are stable, so dumps of two runs of
    the same model diff clean.

    Compiled models (``chainfuse.compile``, ``StandardUpdater(compile=True)``): the
    reported value was computed by a plan and has no eager graph, so ``cg.dot`` is
    drawn from the traced IR instead (`build_traced_graph`: the ops the value is
    computed from, in the same style).  Beside it go ``cg_traced.dot`` (the whole
    traced IR) and ``cg_plan.dot`` (the fused plans, each kernel a cluster), written
    at the first iteration that has a compiled trace.

    Images: every DOT file is always written.  Where graphviz's ``dot`` is installed,
    a graph of at most `max_image_nodes` nodes (default 100: about what a rendered
    image still lets one read) is also rendered to `image_format` beside it
    (``cg.png``); bigger graphs stay DOT files only, since rendering them takes
    seconds and gives megabyte images of unreadable boxes (render one on request
    with ``dot -Tsvg cg_plan.dot -o cg_plan.svg``).  ``max_image_nodes=None``
    renders every graph, ``image_format=None`` none.  Without ``dot`` a warning
    says so once.

    Reported values normally lose their graph (``chainfuse.report`` keeps only
    the array); this extension sets ``config.keep_graph_on_report`` from
    `initialize` until it has run.
    """
    return DumpGraph(root_name, filename, variable_style, function_style, image_format,
                     max_image_nodes)


class DumpGraph(extension.Extension):
    default_name = 'dump_graph'
    priority = extension.PRIORITY_READER

    def __init__(self, root_name, filename='cg.dot', variable_style=None, function_style=None,
                 image_format='png', max_image_nodes=MAX_IMAGE_NODES):
        self._root_name = root_name
        self._filename = filename
        self._variable_style = (computational_graph._var_style if variable_style is None
                                else variable_style)
        self._function_style = (computational_graph._func_style if function_style is None
                                else function_style)
        self._image_format = image_format
        self._max_image_nodes = max_image_nodes
        self._called = False
        self._compiled_pending = False
        self._cg_from_trace = None   # the eager dump to fall back on, when pending
        self._original_flag = None

    def trigger(self, trainer):
        """Fires once at the first iteration the trainer runs with it (and, for a
        compiled model whose first step ran eagerly, again once its plans exist)."""
        if self._compiled_pending:
            return True
        if self._called:
            return False
        self._called = True
        return True

    def initialize(self, trainer):
        if not self._called:
            self._original_flag = getattr(config, 'keep_graph_on_report', False)
            config.keep_graph_on_report = True

    def __call__(self, trainer):
        try:
            self._dump(trainer)
        finally:
            self._restore_flag()

    def _dump(self, trainer):
        written = []
        if not self._compiled_pending:
            cg = self._eager_graph(trainer)
            if _has_eager_graph(cg) or _compiled_target(trainer) is None:
                written.append(self._write(trainer, self._filename, cg.dump()))
            else:
                self._cg_from_trace = cg
        written += self._dump_compiled(trainer)
        self._render(written)

    def _eager_graph(self, trainer):
        if self._root_name not in trainer.observation:
            raise KeyError(f'dump_graph: {self._root_name!r} was not reported at this '
                           f'iteration (reported: {sorted(trainer.observation)})')
        var = trainer.observation[self._root_name]
        if not isinstance(var, Variable):
            raise TypeError(f'dump_graph: {self._root_name!r} must be a Variable, got '
                            f'{type(var).__name__}')
        return computational_graph.build_computational_graph(
            [var], variable_style=self._variable_style, function_style=self._function_style)

    def _dump_compiled(self, trainer):
        """For compiled models the traced IR (cg_traced.dot) and the fused plans
        (cg_plan.dot), named after `filename`, and cg.dot from the trace if pending."""
        from chainfuse.runtime.explain import graph_dumps, latest_entry
        compiled = _compiled_target(trainer)
        if compiled is None:
            return []
        dumps = graph_dumps(compiled)
        self._compiled_pending = not dumps  # nothing compiled yet: try next iteration
        if not dumps:
            return []
        base, ext = os.path.splitext(self._filename)
        written = [self._write(trainer, base + name[len('cg'):-len('.dot')] + ext, text)
                   for name, text in dumps.items()]
        if self._cg_from_trace is not None:
            cg = self._traced_graph(trainer, latest_entry(compiled)) or self._cg_from_trace
            written.insert(0, self._write(trainer, self._filename, cg.dump()))
            self._cg_from_trace = None
        return written

    def _traced_graph(self, trainer, entry):
        """The graph of `root_name` in the entry's trace, or None if it is not reported."""
        root = traced_report(entry.trace, trainer.reporter, self._root_name)
        if root is None:
            return None
        return computational_graph.build_traced_graph(
            entry.trace.graph, root, variable_style=self._variable_style,
            function_style=self._function_style,
            node_calls=getattr(entry.trace, 'node_calls', None))

    def _write(self, trainer, filename, text):
        path = os.path.join(trainer.out, filename)
        atomic_write(path, text)
        return path, text

    def _render(self, written):
        if not self._image_format:
            return
        limit = self._max_image_nodes
        for path, text in written:
            if limit is None or computational_graph.dot_node_count(text) <= limit:
                computational_graph.render(path, self._image_format)

    def _restore_flag(self):
        if self._original_flag is not None:
            config.keep_graph_on_report = self._original_flag
            self._original_flag = None

    def finalize(self):
        self._restore_flag()

    def serialize(self, serializer):
        self._called = bool(serializer('_called', self._called))


def _has_eager_graph(cg):
    """Whether the reported value came out of eager functions (not a compiled plan)."""
    from chainfuse.runtime.compiled import CompiledFunction
    functions = [n for n in cg.nodes if not isinstance(n, Variable)]
    return bool(functions) and not any(isinstance(f, CompiledFunction) for f in functions)


def _compiled_target(trainer):
    """The compiled step of the updater, else its compiled model, else None."""
    updater = trainer.updater
    compiled = getattr(updater, '_compiled_step', None)
    if compiled is None:
        target = updater.get_optimizer('main').target
        compiled = target if hasattr(target, '_chainfuse_compiled') else None
    return compiled


def traced_report(tr, reporter, name):
    """The IR value a trace reported under the observation key `name`, or None."""
    outputs = {out_name: v for v, kind, out_name in tr.graph.outputs if kind == 'report'}
    observer_names = reporter._observer_names
    for observer, key, _, _ in tr.reports:
        in_graph = key if observer is None else f'{type(observer).__name__}/{key}'
        observed = key if observer is None else f'{observer_names.get(id(observer))}/{key}'
        if observed == name and in_graph in outputs:
            return outputs[in_graph]
    return None
