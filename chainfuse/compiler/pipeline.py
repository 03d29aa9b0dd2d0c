"""The compiler pipeline: an ordered list of named passes, Graph in and Graph out.

``compile_training(graph)`` runs::

    canonicalize, dce, cse, constant_fold, dce      (the traced forward graph)
    autodiff                                        (append the backward pass)
    canonicalize, dce, cse, constant_fold, dce      (the joint graph)
    partition                                       (-> forward graph, backward graph)
    fuse                                            (each graph)
    lower                                           (each graph -> Plan, with codegen)

``compile_inference(graph)`` skips autodiff and partition.  With
``CHAINFUSE_DUMP_DIR=dir`` (or ``dump_dir=``) every stage writes
``NN-<stage>-<pass>.txt`` and ``.dot`` there.  Every intermediate graph is checked
with `Graph.verify` when ``verify=True`` (the tests do).
"""
import os
import time

from chainfuse.compiler.passes import autodiff, canonicalize, constant_fold, cse, dce
from chainfuse.compiler.passes.fuse import FusionReport, fuse
from chainfuse.compiler.passes.partition import partition
from chainfuse.compiler.plan import Plan
from chainfuse.tracer.dot import dump_dot
from chainfuse.utils import atomic_write

CLEANUP = [
    ('canonicalize', canonicalize),
    ('dce', dce),
    ('cse', cse),
    ('constant_fold', constant_fold),
    ('dce', dce),
]


class Dumper:
    """Writes each stage's graph as text and DOT when a dump directory is set."""

    def __init__(self, dump_dir=None):
        self.dir = dump_dir if dump_dir is not None else os.environ.get('CHAINFUSE_DUMP_DIR')
        self.count = 0

    def __call__(self, stage, name, graph):
        if not self.dir:
            return
        base = os.path.join(self.dir, f'{self.count:02d}-{stage}-{name}')
        self.count += 1
        text = str(graph)
        if getattr(graph, 'fusion', None) is not None:
            text += '\n' + str(graph.fusion) + '\n'
            for n in graph.nodes:
                if getattr(n.op, 'is_fused', False):
                    text += '\n' + n.op.describe() + '\n'
        atomic_write(base + '.txt', text)
        dump_dot(graph, base + '.dot')


class CompileReport:
    """What the pipeline did: node counts per pass, fusion, partition, timings."""

    def __init__(self):
        self.passes = []      # (stage, pass name, nodes before, nodes after)
        self.fusion = {}
        self.partition = None
        self.seconds = {}

    def __str__(self):
        lines = ['passes:']
        for stage, name, before, after in self.passes:
            lines.append(f'  {stage:<9} {name:<14} {before:4d} -> {after:4d} nodes')
        if self.partition is not None:
            lines.append(str(self.partition))
        for stage, rep in self.fusion.items():
            lines.append(f'{stage} ' + str(rep))
        lines.append('compile time: ' + ', '.join(f'{k} {v * 1e3:.1f} ms'
                                                 for k, v in self.seconds.items()))
        return '\n'.join(lines)


def run_passes(graph, passes, stage, report, dumper, verify=False):
    for name, fn in passes:
        before = len(graph.nodes)
        graph = fn(graph)
        if verify:
            graph.verify()
        report.passes.append((stage, name, before, len(graph.nodes)))
        dumper(stage, name, graph)
    return graph


def _fuse(graph, stage, report, dumper, verify):
    rep = FusionReport()
    before = len(graph.nodes)
    fused = fuse(graph, rep)
    if verify:
        fused.verify()
    report.fusion[stage] = rep
    report.passes.append((stage, 'fuse', before, len(fused.nodes)))
    dumper(stage, 'fuse', fused)
    return fused


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


def compile_inference(graph, backend='auto', dump_dir=None, verify=False):
    report, dumper = CompileReport(), Dumper(dump_dir)
    t0 = time.perf_counter()
    dumper('forward', 'traced', graph)
    g = run_passes(graph, CLEANUP, 'forward', report, dumper, verify)
    fused = _fuse(g, 'forward', report, dumper, verify)
    t1 = time.perf_counter()
    plan = Plan(fused, backend=backend)
    report.seconds = {'passes': t1 - t0, 'codegen': time.perf_counter() - t1}
    return CompiledInference(g, plan, report)


def compile_training(graph, wrt=None, recompute='auto', backend='auto', dump_dir=None,
                     verify=False):
    """Forward and backward plans for `graph` (see module doc)."""
    report, dumper = CompileReport(), Dumper(dump_dir)
    t0 = time.perf_counter()
    dumper('forward', 'traced', graph)
    g = run_passes(graph, CLEANUP, 'forward', report, dumper, verify)
    joint = autodiff(g, wrt=wrt)
    if verify:
        joint.verify()
    report.passes.append(('joint', 'autodiff', len(g.nodes), len(joint.nodes)))
    dumper('joint', 'autodiff', joint)
    joint = run_passes(joint, CLEANUP, 'joint', report, dumper, verify)
    part = partition(joint, recompute=recompute)
    if verify:
        part.forward.verify()
        part.backward.verify()
    report.partition = part
    dumper('forward', 'partition', part.forward)
    dumper('backward', 'partition', part.backward)
    fwd = _fuse(part.forward, 'forward', report, dumper, verify)
    bwd = _fuse(part.backward, 'backward', report, dumper, verify)
    t1 = time.perf_counter()
    fplan = Plan(fwd, backend=backend)
    bplan = Plan(bwd, backend=backend)
    report.seconds = {'passes': t1 - t0, 'codegen': time.perf_counter() - t1}
    return CompiledTraining(joint, part, fplan, bplan, report)
