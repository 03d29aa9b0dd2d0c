"""build_computational_graph: structure, Chainer's styles, stable names, rendering;
Chainer's function-level nodes (recorded from Chainer 7.8.1) and the primitive level."""
import json
import os
import re

import networkx
import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse.ops import elementwise as E
from chainfuse import computational_graph as c
from chainfuse.utils import default_file_mode

NODE = re.compile(r'^\s*(\w+) \[(.*)\];$')
EDGE = re.compile(r'^\s*(\w+) -> (\w+);$')
ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_dot(text):
    """A networkx DiGraph of a dump: node attributes as parsed, edges in order."""
    lines = text.strip().splitlines()
    assert lines[0] == 'digraph graphname {' and lines[-1] == '}'
    g = networkx.DiGraph()
    for line in lines[1:-1]:
        if line.strip().startswith('rankdir='):
            g.graph['rankdir'] = line.strip()[len('rankdir='):-1]
        elif NODE.match(line):
            name, attrs = NODE.match(line).groups()
            assert name not in g, f'node {name} written twice'
            g.add_node(name, **dict(ATTR.findall(attrs)))
        else:
            head, tail = EDGE.match(line).groups()
            assert head in g and tail in g
            g.add_edge(head, tail)
    return g


def mlp_loss(seed=0):
    """A two-layer MLP on a batch of 2: loss = sum((tanh(x W1 + b1) W2 + b2)^2).

    Built from registry ops only, so the expected nodes do not depend on how an
    F function is composed."""
    rng = numpy.random.default_rng(seed)

    def param(name, *shape):
        return chainfuse.Parameter(rng.standard_normal(shape).astype(numpy.float32), name=name)

    x = chainfuse.Variable(rng.standard_normal((2, 3)).astype(numpy.float32), name='x')
    W1, b1, W2, b2 = param('W1', 3, 4), param('b1', 4), param('W2', 4, 5), param('b2', 5)
    h = E.tanh(x @ W1 + b1)
    y = h @ W2 + b2
    return F.sum(y * y), (x, W1, b1, W2, b2)


def labels(g, kind):
    return sorted(d['label'] for n, d in g.nodes(data=True) if n.startswith(kind))


def test_mlp_nodes_and_edges():
    loss, _ = mlp_loss()
    g = parse_dot(c.build_computational_graph([loss], level='primitive').dump())
    assert labels(g, 'f') == ['add', 'add', 'matmul', 'matmul', 'mul', 'sum', 'tanh']
    assert {'x: (2, 3), float32', 'W1: (3, 4), float32', 'b1: (4), float32',
            'W2: (4, 5), float32', 'b2: (5), float32'} <= set(labels(g, 'v'))
    assert networkx.is_directed_acyclic_graph(g)
    # bipartite: variables feed functions, functions produce variables
    for head, tail in g.edges:
        assert head[0] != tail[0]
    sources = [n for n in g if g.in_degree(n) == 0]
    assert sorted(g.nodes[n]['label'].split(':')[0] for n in sources) == \
        ['W1', 'W2', 'b1', 'b2', 'x']
    sinks = [n for n in g if g.out_degree(n) == 0]
    assert sinks == ['v0'] and g.nodes['v0']['label'] == 'float32'
    # y * y: one edge from y into mul, drawn once
    mul = next(n for n, d in g.nodes(data=True) if d['label'] == 'mul')
    assert g.in_degree(mul) == 1
    assert len(g) == 7 + 7 + 5  # functions, their outputs (the loss included), leaves


def test_names_do_not_depend_on_identity():
    first = c.build_computational_graph(mlp_loss(seed=0)[0]).dump()
    junk = [numpy.zeros(10) for _ in range(100)]  # shift allocations around
    second = c.build_computational_graph(mlp_loss(seed=1)[0]).dump()
    del junk
    assert first == second
    assert str(id(mlp_loss)) not in first


def test_chainer_default_styles():
    g = parse_dot(c.build_computational_graph(mlp_loss()[0]).dump())
    for name, d in g.nodes(data=True):
        if name.startswith('v'):
            assert (d['shape'], d['fillcolor'], d['style']) == ('octagon', '#E0E0E0', 'filled')
        else:
            assert (d['shape'], d['fillcolor'], d['style']) == ('record', '#6495ED', 'filled')
    assert g.graph['rankdir'] == 'TB'


def test_custom_styles_rankdir_and_show_name():
    cg = c.build_computational_graph(
        mlp_loss()[0], variable_style={'shape': 'box', 'color': 'red'},
        function_style=None, rankdir='LR', show_name=False)
    g = parse_dot(cg.dump())
    assert g.graph['rankdir'] == 'LR'
    x = next(n for n in g if g.nodes[n]['label'] == '(2, 3), float32')
    assert g.nodes[x] == {'label': '(2, 3), float32', 'shape': 'box', 'color': 'red'}
    assert g.nodes['f0']['shape'] == 'box'
    with pytest.raises(ValueError, match='rankdir'):
        c.build_computational_graph(mlp_loss()[0], rankdir='XY')


def test_remove_variable_keeps_function_edges():
    g = parse_dot(c.build_computational_graph(mlp_loss()[0], remove_variable=True,
                                              level='primitive').dump())
    assert all(n.startswith('f') for n in g)
    named = {(g.nodes[a]['label'], g.nodes[b]['label']) for a, b in g.edges}
    assert named == {('matmul', 'add'), ('add', 'tanh'), ('tanh', 'matmul'),
                     ('add', 'mul'), ('mul', 'sum')}


def test_only_backward_reachable_nodes():
    x = chainfuse.Variable(numpy.ones((2,), numpy.float32), name='x')
    y = E.tanh(x)
    z = E.exp(x)
    g = parse_dot(c.build_computational_graph([y], level='primitive').dump())
    assert labels(g, 'f') == ['tanh']
    g2 = parse_dot(c.build_computational_graph([y, z], level='primitive').dump())
    assert labels(g2, 'f') == ['exp', 'tanh']


def test_leaf_output_and_errors():
    x = chainfuse.Variable(numpy.ones((2,), numpy.float32))
    g = parse_dot(c.build_computational_graph([x]).dump())
    assert list(g) == ['v0'] and not g.edges
    with pytest.raises(ValueError, match='remove_split'):
        c.build_computational_graph([x], remove_split=False)
    with pytest.raises(TypeError, match='Variables or FunctionNodes'):
        c.build_computational_graph([numpy.ones(2)])


def test_record_labels_are_escaped():
    cg = c.ComputationalGraph([], [])
    assert c._quote('a{b}|<c>"', record=True) == 'a\\{b\\}\\|\\<c\\>\\"'
    assert cg.dump().startswith('digraph graphname {')


def test_render_without_dot_warns_once(tmp_path, monkeypatch):
    monkeypatch.setenv('PATH', str(tmp_path))
    monkeypatch.setattr(c.dot, '_warned_no_dot', False)
    path = tmp_path / 'cg.dot'
    path.write_text(c.build_computational_graph(mlp_loss()[0]).dump())
    with pytest.warns(UserWarning, match='dot'):
        assert c.render(str(path)) is None
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert c.render(str(path)) is None
    assert path.exists()


def test_render_writes_the_image_through_a_temporary_file(tmp_path, monkeypatch):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    fake = bin_dir / 'dot'   # records its arguments, writes what -o names
    fake.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/args"\n'
                    'while [ "$1" != "-o" ]; do shift; done; echo image > "$2"\n')
    fake.chmod(0o755)
    monkeypatch.setenv('PATH', f'{bin_dir}{os.pathsep}{os.environ["PATH"]}')
    out = tmp_path / 'out'
    out.mkdir()
    path = out / 'cg.dot'
    path.write_text(c.build_computational_graph(mlp_loss()[0]).dump())
    assert c.render(str(path)) == str(out / 'cg.png')
    written = (bin_dir / 'args').read_text().split()[-1]
    assert os.path.dirname(written) == str(out) and written != str(out / 'cg.png')
    assert sorted(os.listdir(out)) == ['cg.dot', 'cg.png']
    assert os.stat(out / 'cg.png').st_mode & 0o777 == default_file_mode()


# ---- Chainer's function-level nodes ----

with open(os.path.join(os.path.dirname(__file__), 'data', 'chainer7', 'cg_fixture.json')) as f:
    CHAINER_GRAPHS = json.load(f)['cases']


class MLP(chainfuse.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, 5)
            self.l2 = L.Linear(None, 5)
            self.l3 = L.Linear(None, 3)

    def forward(self, x):
        return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))


class CNN(chainfuse.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.conv = L.Convolution2D(None, 4, 3, pad=1)
            self.bn = L.BatchNormalization(4)
            self.fc = L.Linear(None, 3)

    def forward(self, x):
        h = F.max_pooling_2d(F.relu(self.bn(self.conv(x))), 2)
        return self.fc(F.dropout(F.reshape(h, (len(h), -1)), 0.5))


def chainer_case(name):
    """The graph tests/data/chainer7/make_cg_fixture.py builds, under chainfuse."""
    numpy.random.seed(0)
    x = numpy.random.rand(4, 6).astype(numpy.float32)
    t = numpy.array([0, 1, 2, 1], numpy.int32)
    if name == 'mlp_classifier':
        return [L.Classifier(MLP())(x, t)]
    images = numpy.random.rand(2, 3, 6, 6).astype(numpy.float32)
    if name == 'cnn_classifier':
        return [L.Classifier(CNN())(images, t[:2])]
    v = chainfuse.Variable(x)
    return [F.sum(F.dropout(v * 2 + 1, 0.5) ** 2), F.mean(F.tanh(F.reshape(v, (2, 12))))]


def as_networkx(case):
    g = networkx.DiGraph()
    for name, label in case['nodes'].items():
        g.add_node(name, label=label)
    g.add_edges_from(case['edges'])
    return g


@pytest.mark.parametrize('name', sorted(CHAINER_GRAPHS))
def test_function_level_graph_is_chainers(name):
    ours = parse_dot(c.build_computational_graph(chainer_case(name)).dump())
    theirs = as_networkx(CHAINER_GRAPHS[name])
    assert sorted(d['label'] for _, d in ours.nodes(data=True)) == \
        sorted(d['label'] for _, d in theirs.nodes(data=True))
    assert networkx.is_isomorphic(ours, theirs,
                                  node_match=lambda a, b: a['label'] == b['label'])


def test_the_mlp_is_six_function_nodes_instead_of_its_primitives():
    loss = chainer_case('mlp_classifier')
    functions = labels(parse_dot(c.build_computational_graph(loss).dump()), 'f')
    assert functions == ['LinearFunction'] * 3 + ['ReLU'] * 2 + ['SoftmaxCrossEntropy']
    primitives = labels(parse_dot(c.build_computational_graph(loss, level='primitive')
                                  .dump()), 'f')
    assert len(primitives) > 15 and 'matmul' in primitives and 'LinearFunction' not in \
        primitives
    with pytest.raises(ValueError, match="level must be 'function' or 'primitive'"):
        c.build_computational_graph(loss, level='kernel')


def test_function_level_names_are_stable_and_remove_variable_works():
    first = c.build_computational_graph(chainer_case('cnn_classifier')).dump()
    assert first == c.build_computational_graph(chainer_case('cnn_classifier')).dump()
    g = parse_dot(c.build_computational_graph(chainer_case('mlp_classifier'),
                                              remove_variable=True).dump())
    edges = sorted((g.nodes[a]['label'], g.nodes[b]['label']) for a, b in g.edges)
    assert edges == [('LinearFunction', 'ReLU'), ('LinearFunction', 'ReLU'),
                     ('LinearFunction', 'SoftmaxCrossEntropy'), ('ReLU', 'LinearFunction'),
                     ('ReLU', 'LinearFunction')]


def test_nested_calls_belong_to_the_outermost_function():
    x = chainfuse.Variable(numpy.ones((2, 3), numpy.float32))
    # softmax_cross_entropy uses log_softmax, logsumexp... inside: still one node
    loss = F.softmax_cross_entropy(x, numpy.array([0, 2], numpy.int32))
    g = parse_dot(c.build_computational_graph([loss]).dump())
    assert labels(g, 'f') == ['SoftmaxCrossEntropy']
    assert sorted(labels(g, 'v')) == ['(2), int32', '(2, 3), float32', 'float32']
    # calls from other threads do not leak into this one's nodes
    from chainfuse.core import calls
    assert calls.local.call is None


def test_a_function_that_raises_leaves_no_call_behind():
    from chainfuse.core import calls
    with pytest.raises(Exception):
        F.reshape(chainfuse.Variable(numpy.ones(3, numpy.float32)), (2, 2))
    assert calls.local.call is None
    y = E.tanh(chainfuse.Variable(numpy.ones(3, numpy.float32)))
    assert y.creator.call is None
