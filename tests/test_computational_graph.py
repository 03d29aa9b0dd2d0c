"""build_computational_graph: structure, Chainer's styles, stable names, rendering."""
import os
import re

import networkx
import numpy
import pytest

import chainfuse
import chainfuse.functions as F
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
    g = parse_dot(c.build_computational_graph([loss]).dump())
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
    assert sinks == ['v0'] and g.nodes['v0']['label'] == '() float32'
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
    g = parse_dot(c.build_computational_graph(mlp_loss()[0], remove_variable=True).dump())
    assert all(n.startswith('f') for n in g)
    named = {(g.nodes[a]['label'], g.nodes[b]['label']) for a, b in g.edges}
    assert named == {('matmul', 'add'), ('add', 'tanh'), ('tanh', 'matmul'),
                     ('add', 'mul'), ('mul', 'sum')}


def test_only_backward_reachable_nodes():
    x = chainfuse.Variable(numpy.ones((2,), numpy.float32), name='x')
    y = E.tanh(x)
    z = E.exp(x)
    g = parse_dot(c.build_computational_graph([y]).dump())
    assert labels(g, 'f') == ['tanh']
    g2 = parse_dot(c.build_computational_graph([y, z]).dump())
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
    monkeypatch.setattr(c, '_warned_no_dot', False)
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
