"""dump_graph: writes the backward graph of a reported value as a dot file."""
import os

from chainfuse import computational_graph
from chainfuse.config import config
from chainfuse.core.variable import Variable
from chainfuse.training import extension
from chainfuse.utils import atomic_write


def dump_graph(root_name, filename='cg.dot', variable_style=None, function_style=None,
               image_format='png'):
    """Returns an extension that dumps the graph of ``observation[root_name]`` once.

    At the first iteration it takes the reported Variable (e.g. 'main/loss'),
    builds `chainfuse.computational_graph.build_computational_graph` from it and
    writes ``<out>/<filename>``.  Node names are stable, so dumps of two runs of
    the same model diff clean.  When graphviz's ``dot`` is installed the graph is
    also rendered next to it (``cg.png``); otherwise a warning says so once.

    Reported values normally lose their graph (``chainfuse.report`` keeps only
    the array); this extension sets ``config.keep_graph_on_report`` from
    `initialize` until it has run.
    """
    return DumpGraph(root_name, filename, variable_style, function_style, image_format)


class DumpGraph(extension.Extension):
    default_name = 'dump_graph'
    priority = extension.PRIORITY_READER

    def __init__(self, root_name, filename='cg.dot', variable_style=None, function_style=None,
                 image_format='png'):
        self._root_name = root_name
        self._filename = filename
        self._variable_style = (computational_graph._var_style if variable_style is None
                                else variable_style)
        self._function_style = (computational_graph._func_style if function_style is None
                                else function_style)
        self._image_format = image_format
        self._called = False
        self._compiled_pending = False
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
        if self._compiled_pending:
            for p in self._dump_compiled(trainer) if self._image_format else ():
                computational_graph.render(p, self._image_format)
            if self._image_format is None:
                self._dump_compiled(trainer)
            return
        if self._root_name not in trainer.observation:
            raise KeyError(f'dump_graph: {self._root_name!r} was not reported at this '
                           f'iteration (reported: {sorted(trainer.observation)})')
        var = trainer.observation[self._root_name]
        if not isinstance(var, Variable):
            raise TypeError(f'dump_graph: {self._root_name!r} must be a Variable, got '
                            f'{type(var).__name__}')
        cg = computational_graph.build_computational_graph(
            [var], variable_style=self._variable_style, function_style=self._function_style)
        path = os.path.join(trainer.out, self._filename)
        atomic_write(path, cg.dump())
        paths = [path] + self._dump_compiled(trainer)
        if self._image_format:
            for p in paths:
                computational_graph.render(p, self._image_format)

    def _dump_compiled(self, trainer):
        """For compiled models also the traced IR (cg_traced.dot) and the fused plans
        (cg_plan.dot, each kernel a cluster), named after `filename`."""
        from chainfuse.runtime.explain import graph_dumps
        updater = trainer.updater
        compiled = getattr(updater, '_compiled_step', None)
        if compiled is None:
            target = updater.get_optimizer('main').target
            compiled = target if hasattr(target, '_chainfuse_compiled') else None
        if compiled is None:
            return []
        base, ext = os.path.splitext(self._filename)
        written = []
        dumps = graph_dumps(compiled)
        self._compiled_pending = not dumps  # nothing compiled yet: try next iteration
        for name, text in dumps.items():
            path = os.path.join(trainer.out, base + name[len('cg'):-len('.dot')] + ext)
            atomic_write(path, text)
            written.append(path)
        return written

    def _restore_flag(self):
        if self._original_flag is not None:
            config.keep_graph_on_report = self._original_flag
            self._original_flag = None

    def finalize(self):
        self._restore_flag()

    def serialize(self, serializer):
        self._called = bool(serializer('_called', self._called))
