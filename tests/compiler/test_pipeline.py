"""The pipeline: one printed list of passes, checked requirements, verified IR after
every pass, and one dump per pass with names that survive passes."""
import os
import re
import subprocess
import sys

import numpy
import pytest

from chainfuse.compiler import pipeline
from chainfuse.compiler.pipeline import PASSES, Pass, PassList, PipelineError, Unit, run
from chainfuse.testing.graphs import GraphBuilder
from chainfuse.tracer.ir import IRError

ORDER = ['canonicalize', 'dce', 'cse', 'constant_fold', 'dce', 'autodiff',
         'canonicalize', 'dce', 'cse', 'constant_fold', 'dce', 'partition',
         'strip_stopgrad', 'fuse', 'lower', 'plan_memory', 'build']


def _graph():
    b = GraphBuilder('mlp')
    x = b.input((4, 3))
    w = b.input((3, 5), kind='param', name='/W', requires_grad=True)
    c = b.const(numpy.float32(0.5))
    h = b.op('mul', b.op('tanh', b.op('matmul', x, w)), c)
    b.op('exp', h)                                           # dead: dce removes it
    b.output(b.op('sum', b.op('mul', h, h)), name='loss')
    return b.graph


def test_the_whole_pipeline_is_one_printed_list():
    assert PASSES.names() == ORDER
    assert PASSES.names('inference') == [n for n, p in zip(ORDER, PASSES)
                                         if 'inference' in p.modes]
    text = subprocess.run([sys.executable, '-c', 'from chainfuse.compiler import pipeline; '
                           'print(pipeline.PASSES)'], capture_output=True, text=True,
                          check=True).stdout
    rows = [line.split()[1] for line in text.splitlines()[2:]]
    assert rows == ORDER
    assert '17 passes' in text.splitlines()[0]


def test_requirements_are_checked_in_order():
    bad = PassList([p for p in PASSES if p.name == 'fuse'])
    with pytest.raises(PipelineError, match="'fuse' requires cleaned"):
        run(Unit(_graph(), 'inference'), bad)


def test_an_ir_error_names_the_pass_that_made_it():
    def break_it(graph, unit, part):
        graph.nodes.reverse()                              # no longer topological
        return graph
    broken = PassList([Pass('breaker', break_it, ensures=('broken',))])
    with pytest.raises(IRError, match="after pass 'breaker' \\(forward\\)"):
        run(Unit(_graph(), 'inference'), broken)


def test_report_has_a_row_per_pass_and_part():
    unit = run(Unit(_graph(), 'training'))
    rows = [(part, name) for part, name, _, _, _ in unit.report.passes]
    assert rows[:5] == [('forward', n) for n in ORDER[:5]]
    assert ('joint', 'autodiff') in rows
    assert rows[-2:] == [('forward', 'build'), ('backward', 'build')]
    assert set(unit.report.seconds) == {'passes', 'codegen'}
    assert 'passes:' in str(unit.report)


def _dumps(directory):
    return sorted(os.listdir(directory))


def _defs(text):
    """value id -> the text defining it ('in' lines and node lines)."""
    out = {}
    for line in text.splitlines():
        m = re.match(r'\s+in\s+%(\d+):(\S+)', line)
        if m:
            out[int(m.group(1))] = m.group(2)
            continue
        head = line.split(' = ', 1)[0]
        for vid, aval in re.findall(r'%(\d+):(\w+\[[\d,]*\])', head):
            out[int(vid)] = aval
    return out


def test_dumps_one_per_pass_stable_names_and_the_plan_last(tmp_path):
    unit = run(Unit(_graph(), 'training', dump_dir=str(tmp_path)))
    files = _dumps(tmp_path)
    txt = [f for f in files if f.endswith('.txt')]
    assert len(txt) == len([f for f in files if f.endswith('.dot')])
    assert len(txt) == 1 + len(unit.report.passes)          # 'traced' + a dump per row
    names = [re.match(r'\d\d-(\w+)-(\w+)\.txt', f).groups() for f in txt]
    assert names[0] == ('forward', 'traced')
    assert [n for _, n in names[1:]] == [name for _, name, _, _, _ in unit.report.passes]
    # the last dump of each part is its built Plan, with the executor's source
    for part in ('forward', 'backward'):
        last = [f for f in txt if f'-{part}-' in f][-1]
        text = (tmp_path / last).read_text()
        assert last.endswith('-build.txt') and text.startswith(f'plan mlp_{part}')
        assert '\ndef run(' in text
    # a value keeps its name: wherever two graph dumps define the same id, the aval agrees
    graph_dumps = [f for f in txt if not f.endswith(('-lower.txt', '-plan_memory.txt',
                                                     '-build.txt'))]
    seen = {}
    for f in graph_dumps:
        for vid, aval in _defs((tmp_path / f).read_text()).items():
            assert seen.setdefault(vid, aval) == aval, f'%{vid} renamed in {f}'
    # a pass that changes nothing dumps the same text as the pass before it
    cse_f, fold_f = txt[3], txt[4]
    assert cse_f.endswith('forward-cse.txt') and fold_f.endswith('forward-constant_fold.txt')
    assert (tmp_path / cse_f).read_text() == (tmp_path / fold_f).read_text()


def test_dump_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv('CHAINFUSE_DUMP_DIR', str(tmp_path))
    pipeline.compile_inference(_graph())
    files = _dumps(tmp_path)
    assert files[-1] == f'{len(files) // 2 - 1:02d}-forward-build.txt'
    assert not any('autodiff' in f or 'partition' in f for f in files)


def test_inference_and_training_give_runnable_plans():
    g = _graph()
    x = numpy.random.default_rng(0).standard_normal((4, 3)).astype('f')
    w = numpy.random.default_rng(1).standard_normal((3, 5)).astype('f')
    (loss,) = pipeline.compile_inference(g).plan(x, w)
    h = numpy.tanh(x @ w) * 0.5
    numpy.testing.assert_allclose(loss, (h * h).sum(), rtol=1e-5)
    tr = pipeline.compile_training(g)
    outs = tr.forward_plan(x, w)
    numpy.testing.assert_allclose(outs[0], loss, rtol=1e-6)
