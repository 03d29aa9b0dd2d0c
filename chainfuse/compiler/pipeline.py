"""The compiler pipeline: one ordered list of named passes, from cleanup to a built plan.

``print(chainfuse.compiler.pipeline.PASSES)`` prints it::

    compiler pipeline: 17 passes (inference skips the passes marked training)
       #  pass            runs on     modes      requires -> ensures
       1  canonicalize    each part   all        traced -> canonical
       2  dce             each part   all        traced -> dead-code-free
       3  cse             each part   all        traced -> cse
       4  constant_fold   each part   all        traced -> folded
       5  dce             each part   all        traced -> dead-code-free, cleaned
       6  autodiff        the unit    training   cleaned -> joint
       7  canonicalize    each part   training   joint -> canonical
      ...
      11  dce             each part   training   joint -> dead-code-free, cleaned
      12  partition       the unit    training   joint, cleaned -> partitioned
      13  strip_stopgrad  each part   all        cleaned -> no-stop-gradient
      14  fuse            each part   all        cleaned, no-stop-gradient -> fused
      15  lower           each part   all        fused -> lowered
      16  plan_memory     each part   all        lowered -> memory-planned
      17  build           each part   all        memory-planned -> built

A compilation is a `Unit`: the parts being compiled, by name -- ``forward`` as traced;
``joint`` after autodiff; ``forward`` and ``backward`` after partition -- each a Graph
until ``lower`` turns it into a `Plan`.  `run` walks `PASSES` in order and, for each pass
the unit's mode runs (an inference compile skips autodiff, the joint cleanup and
partition):

1. checks that what the pass requires was ensured by an earlier pass;
2. runs it, on each part or on the unit as a whole;
3. verifies what it produced (`Graph.verify`, `Plan.verify`: an IR error names the
   pass that made it);
4. records the node (or step) counts before and after, and the time, in the unit's
   `CompileReport`;
5. with ``CHAINFUSE_DUMP_DIR=dir`` (or ``dump_dir=``) set, writes
   ``NN-<part>-<pass>.txt`` and ``.dot`` for each part.

A value keeps its name through every pass (`chainfuse.compiler.rewrite`), so two
neighbouring dumps diff to exactly what the pass between them changed; the last dump of
each part is its built Plan: steps, buffers, kernels and the executor's source.
"""
import os
import time

from chainfuse.compiler.backends import select_backend
from chainfuse.compiler.executor import build
from chainfuse.compiler.lowering import lower
from chainfuse.compiler.memory import plan_memory
from chainfuse.compiler.passes import autodiff, canonicalize, constant_fold, cse, dce
from chainfuse.compiler.passes.fuse import FusionReport, fuse
from chainfuse.compiler.passes.partition import partition
from chainfuse.compiler.passes.strip_stop_gradient import strip_stop_gradient
from chainfuse.compiler.plan import Plan
from chainfuse.tracer.dot import graph_to_dot
from chainfuse.utils import atomic_write

MODES = ('inference', 'training')
CLEANED = ('canonical', 'dead-code-free', 'cse', 'folded')


class PipelineError(RuntimeError):
    """The pass list is out of order: a pass runs before what it requires is ensured."""


class Pass:
    """One named pass.

    ``fn`` runs on each part (``on='part'``: ``fn(ir, unit, part_name)`` returns the new
    part, a Graph or a Plan) or on the unit (``on='unit'``: ``fn(unit)`` rewrites
    ``unit.parts``).  ``modes``: the compile modes that run it.  ``requires``: facts an
    earlier pass must have ensured; ``ensures``: facts that hold after it;
    ``invalidates``: facts it breaks (autodiff adds nodes no cleanup has seen)."""

    def __init__(self, name, fn, on='part', modes=MODES, requires=(), ensures=(),
                 invalidates=(), doc=''):
        if on not in ('part', 'unit'):
            raise ValueError(f"Pass {name!r}: on must be 'part' or 'unit', got {on!r}")
        self.name, self.fn, self.on, self.modes = name, fn, on, tuple(modes)
        self.requires, self.ensures = tuple(requires), tuple(ensures)
        self.invalidates = tuple(invalidates)
        self.doc = doc

    def row(self, k):
        where = 'each part' if self.on == 'part' else 'the unit'
        modes = 'all' if self.modes == MODES else ', '.join(self.modes)
        facts = f'{", ".join(self.requires) or "-"} -> {", ".join(self.ensures)}'
        return f'  {k:2d}  {self.name:<14}  {where:<10}  {modes:<9}  {facts}'

    def __repr__(self):
        return f'<Pass {self.name}>'


class PassList(list):
    """The passes in order; prints as a table (module doc)."""

    def __str__(self):
        lines = [f'compiler pipeline: {len(self)} passes (inference skips the passes '
                 'marked training)',
                 '   #  pass            runs on     modes      requires -> ensures']
        lines += [p.row(k) for k, p in enumerate(self, 1)]
        return '\n'.join(lines)

    def names(self, mode=None):
        return [p.name for p in self if mode is None or mode in p.modes]


class CompileReport:
    """What the pipeline did: node counts and time per pass, fusion, partition."""

    def __init__(self):
        self.passes = []      # (part, pass name, nodes before, nodes after, seconds)
        self.fusion = {}      # part -> FusionReport
        self.partition = None
        self.seconds = {}     # 'passes' (graph passes), 'codegen' (lower, memory, build)

    def __str__(self):
        lines = ['passes:']
        for part, name, before, after, _ in self.passes:
            lines.append(f'  {part:<9} {name:<14} {before:4d} -> {after:4d} nodes')
        if self.partition is not None:
            lines.append(str(self.partition))
        for part, rep in self.fusion.items():
            lines.append(f'{part} ' + str(rep))
        lines.append('compile time: ' + ', '.join(f'{k} {v * 1e3:.1f} ms'
                                                 for k, v in self.seconds.items()))
        return '\n'.join(lines)


class Dumper:
    """Writes each part's IR (text and DOT) after each pass when a directory is set."""

    def __init__(self, dump_dir=None):
        self.dir = dump_dir if dump_dir is not None else os.environ.get('CHAINFUSE_DUMP_DIR')
        self.count = 0

    def __call__(self, part, name, ir):
        if not self.dir:
            return
        os.makedirs(self.dir, exist_ok=True)
        base = os.path.join(self.dir, f'{self.count:02d}-{part}-{name}')
        self.count += 1
        if isinstance(ir, Plan):
            text = str(ir) + ('\n\n' + ir.source if ir.source else '') + '\n'
            dot = ir.to_dot()
        else:
            text = str(ir)
            if getattr(ir, 'fusion', None) is not None:
                text += '\n' + str(ir.fusion) + '\n'
                for n in ir.nodes:
                    if getattr(n.op, 'is_fused', False):
                        text += '\n' + n.op.describe() + '\n'
            dot = graph_to_dot(ir)
        atomic_write(base + '.txt', text)
        atomic_write(base + '.dot', dot)


class Unit:
    """One compilation: its parts (part name -> Graph, later Plan), its mode and
    options, the facts the passes so far ensured, and the report."""

    def __init__(self, graph, mode, backend='auto', recompute='auto', wrt=None,
                 dump_dir=None, verify=True):
        if mode not in MODES:
            raise ValueError(f'compile mode must be one of {MODES}, got {mode!r}')
        self.parts = {'forward': graph}
        self.mode = mode
        self.backend, self.recompute, self.wrt = backend, recompute, wrt
        self.facts = {'traced'}
        self.report = CompileReport()
        self.partition = None
        self.joint = None
        self.verify = verify
        self.dump = Dumper(dump_dir)


def run(unit, passes=None):
    """Runs `passes` (default `PASSES`) on `unit` (module doc); returns the unit."""
    passes = PASSES if passes is None else passes
    for part, ir in unit.parts.items():
        unit.dump(part, 'traced', ir)
    seconds = {'passes': 0.0, 'codegen': 0.0}
    for p in passes:
        if unit.mode not in p.modes:
            continue
        missing = [f for f in p.requires if f not in unit.facts]
        if missing:
            raise PipelineError(f'pass {p.name!r} requires {", ".join(missing)}, which no '
                                'earlier pass ensured (is the pass list out of order?)')
        before = {part: _size(ir) for part, ir in unit.parts.items()}
        t0 = time.perf_counter()
        if p.on == 'unit':
            p.fn(unit)
        else:
            unit.parts = {part: p.fn(ir, unit, part) for part, ir in unit.parts.items()}
        elapsed = time.perf_counter() - t0
        seconds['codegen' if p.name in BACK_END else 'passes'] += elapsed
        unit.facts.difference_update(p.invalidates)
        unit.facts.update(p.ensures)
        for part, ir in unit.parts.items():
            if unit.verify:
                _verify(ir, p, part)
            unit.report.passes.append((part, p.name, before.get(part, 0), _size(ir),
                                       elapsed))
            unit.dump(part, p.name, ir)
    unit.report.seconds = seconds
    return unit


def _size(ir):
    return len(ir.steps) if isinstance(ir, Plan) else len(ir.nodes)


def _verify(ir, p, part):
    try:
        ir.verify()
    except Exception as e:
        raise type(e)(f'after pass {p.name!r} ({part}): {e}') from e


# ---- the passes' adapters: what each reads from the unit ----
def _each_graph(fn):
    def run_on_graph(graph, unit, part):
        return fn(graph)
    run_on_graph.__name__ = fn.__name__
    return run_on_graph


def _autodiff(unit):
    forward = unit.parts.pop('forward')
    unit.parts['joint'] = autodiff(forward, wrt=unit.wrt)


def _partition(unit):
    joint = unit.parts.pop('joint')
    unit.joint = joint
    unit.partition = unit.report.partition = partition(joint, recompute=unit.recompute)
    unit.parts['forward'] = unit.partition.forward
    unit.parts['backward'] = unit.partition.backward


def _fuse(graph, unit, part):
    report = unit.report.fusion[part] = FusionReport()
    consts = [v.const for v in graph.inputs if v.kind == 'const']
    backend = select_backend(consts, unit.backend)     # the one `lower` will choose
    return fuse(graph, report, numpy_tanh=backend.numpy_tanh,
                split_elementwise=backend.compiles_kernels)


def _lower(graph, unit, part):
    return lower(graph, unit.backend)


def _plan_memory(plan, unit, part):
    return plan_memory(plan)


def _build(plan, unit, part):
    return build(plan)


def _cleanup(modes, requires):
    return [
        Pass('canonicalize', _each_graph(canonicalize), modes=modes, requires=requires,
             ensures=('canonical',),
             doc='drop ops that do nothing (reshape to the same shape, identity casts)'),
        Pass('dce', _each_graph(dce), modes=modes, requires=requires,
             ensures=('dead-code-free',),
             doc='drop nodes no output depends on, and unused constants'),
        Pass('cse', _each_graph(cse), modes=modes, requires=requires, ensures=('cse',),
             doc='one node per (op, inputs, attrs); equal small constants merged'),
        Pass('constant_fold', _each_graph(constant_fold), modes=modes, requires=requires,
             ensures=('folded',),
             doc='evaluate small nodes of constants at compile time'),
        Pass('dce', _each_graph(dce), modes=modes, requires=requires,
             ensures=('dead-code-free', 'cleaned'),
             doc='drop what folding and cse left unused'),
    ]


BACK_END = ('lower', 'plan_memory', 'build')

PASSES = PassList([
    *_cleanup(MODES, ('traced',)),
    Pass('autodiff', _autodiff, on='unit', modes=('training',), requires=('cleaned',),
         ensures=('joint',), invalidates=CLEANED + ('cleaned',),
         doc="append the backward pass from the ops' vjp rules (forward -> joint)"),
    *_cleanup(('training',), ('joint',)),
    Pass('partition', _partition, on='unit', modes=('training',),
         requires=('joint', 'cleaned'), ensures=('partitioned',),
         doc='split joint into forward (+ saved values) and backward'),
    Pass('strip_stopgrad', _each_graph(strip_stop_gradient), requires=('cleaned',),
         ensures=('no-stop-gradient',),
         doc='stop_gradient is the identity once autodiff has run (or will not)'),
    Pass('fuse', _fuse, requires=('cleaned', 'no-stop-gradient'), ensures=('fused',),
         doc='maximal elementwise groups become one FusedOp node each'),
    Pass('lower', _lower, requires=('fused',), ensures=('lowered',),
         doc="Graph -> Plan: a slot per value, a step per node, on the unit's backend"),
    Pass('plan_memory', _plan_memory, requires=('lowered',), ensures=('memory-planned',),
         doc='buffers reused by liveness, in-place writes, frees, peak bytes'),
    Pass('build', _build, requires=('memory-planned',), ensures=('built',),
         doc="the backend's kernels and the executor's source"),
])


# ---- the two entry points the runtime calls ----
class CompiledInference:
    def __init__(self, graph, plan, report):
        self.graph = graph
        self.plan = plan
        self.report = report


class CompiledTraining:
    def __init__(self, joint, part, forward_plan, backward_plan, report):
        self.joint = joint
        self.partition = part
        self.forward_plan = forward_plan
        self.backward_plan = backward_plan
        self.report = report


def compile_inference(graph, backend='auto', dump_dir=None, verify=True):
    """One Plan computing `graph`'s outputs (the pipeline without autodiff)."""
    unit = run(Unit(graph, 'inference', backend=backend, dump_dir=dump_dir, verify=verify))
    plan = unit.parts['forward']
    return CompiledInference(plan.graph, plan, unit.report)


def compile_training(graph, wrt=None, recompute='auto', backend='auto', dump_dir=None,
                     verify=True):
    """A forward Plan and a backward Plan for `graph` (the whole pipeline)."""
    unit = run(Unit(graph, 'training', backend=backend, recompute=recompute, wrt=wrt,
                    dump_dir=dump_dir, verify=verify))
    return CompiledTraining(unit.joint, unit.partition, unit.parts['forward'],
                            unit.parts['backward'], unit.report)
