"""Golden text of the IR and DOT of a 2-layer MLP: what users read must not drift.

Regenerate after an intended change with ``CHAINFUSE_REGEN_GOLDEN=1 pytest
tests/tracer/test_golden.py`` and review the diff.
"""
import os
import pathlib
import re

import numpy

import chainfuse as chainer
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse.tracer import dump_dot, trace

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / 'data' / 'golden'


class MLP2(chainer.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(4, 3)
            self.l2 = L.Linear(3, 2)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


def _graph():
    chainer.set_random_seed(0)
    model = L.Classifier(MLP2())
    x = numpy.zeros((5, 4), 'float32')
    t = numpy.zeros(5, 'int32')
    return trace(model, x, t).graph


def _check(name, text):
    path = GOLDEN / name
    if os.environ.get('CHAINFUSE_REGEN_GOLDEN'):
        path.write_text(text)
    assert text == path.read_text(), f'{name} changed; see the module docstring'


def test_graph_text_is_golden():
    text = re.sub(r'    # .*', '', str(_graph()))  # source locations depend on the checkout
    _check('mlp2_graph.txt', text)


def test_dot_is_golden_and_byte_identical(tmp_path):
    a, b = tmp_path / 'a.dot', tmp_path / 'b.dot'
    dump_dot(_graph(), str(a))
    dump_dot(_graph(), str(b))
    assert a.read_bytes() == b.read_bytes()
    _check('mlp2_graph.dot', a.read_text())
