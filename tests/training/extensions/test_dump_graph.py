import os
import re

import networkx
import pytest

import chainfuse
import chainfuse.links as L
from chainfuse import computational_graph, optimizers, training
from chainfuse.config import config
from chainfuse.iterators import SerialIterator
from chainfuse.training import extensions

from .._models import MLP, toy_dataset


def train(out, seed=0, root='main/loss', compile_model=False, compile_step=False, **kwargs):
    chainfuse.set_random_seed(seed)
    model = L.Classifier(MLP(n_units=5, n_out=3))
    if compile_model:
        chainfuse.compile(model)
    opt = optimizers.SGD()
    opt.setup(model)
    updater = training.StandardUpdater(SerialIterator(toy_dataset(8), 4), opt,
                                       compile=compile_step)
    trainer = training.Trainer(updater, (2, 'iteration'), out=str(out))
    trainer.extend(extensions.dump_graph(root, **kwargs))
    trainer.run(show_loop_exception_msg=False)
    return trainer


def read_dot(path):
    text = path.read_text()
    nodes = dict(re.findall(r'^  (\w+) \[label="([^"]*)"', text, re.M))
    edges = re.findall(r'^  (\w+) -> (\w+);$', text, re.M)
    return text, nodes, edges


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    monkeypatch.setenv('PATH', str(tmp_path / 'empty'))
    monkeypatch.setattr(computational_graph.dot, '_warned_no_dot', False)


def test_dot_file_of_the_loss(tmp_path, no_dot):
    with pytest.warns(UserWarning, match='"dot" binary is not installed'):
        train(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ['cg.dot']
    text, nodes, edges = read_dot(tmp_path / 'cg.dot')
    assert text.startswith('digraph graphname {\n  rankdir=TB;\n') and text.endswith('}\n')
    labels = sorted(nodes.values())
    # the parameters of both layers, with their names and shapes, are leaves of the graph
    for p in ('W: (5, 4), float32', 'b: (5), float32', 'W: (3, 5), float32', 'b: (3), float32'):
        assert p in labels
    heads = {h for h, _ in edges}
    tails = {t for _, t in edges}
    assert set(nodes) == heads | tails
    assert heads - tails >= {n for n, lbl in nodes.items() if lbl.startswith(('W:', 'b:'))}
    assert tails - heads == {'v0'} and nodes['v0'] == 'float32'  # the loss
    assert 'octagon' in text and 'record' in text
    assert not getattr(config, 'keep_graph_on_report', False)
    # Chainer's nodes: one per function called, not the primitives they apply
    functions = sorted(lbl for n, lbl in nodes.items() if n.startswith('f'))
    assert functions == ['LinearFunction', 'LinearFunction', 'ReLU', 'SoftmaxCrossEntropy']


def test_two_runs_diff_clean(tmp_path, no_dot):
    with pytest.warns(UserWarning):
        train(tmp_path / 'a', seed=0)
    train(tmp_path / 'b', seed=1)
    assert (tmp_path / 'a' / 'cg.dot').read_text() == (tmp_path / 'b' / 'cg.dot').read_text()


def test_custom_filename_and_styles(tmp_path):
    train(tmp_path, filename='graph.dot', variable_style={'shape': 'ellipse'},
          function_style={'shape': 'box', 'color': 'blue'}, image_format=None)
    text = (tmp_path / 'graph.dot').read_text()
    assert 'shape="ellipse"' in text and 'color="blue"' in text and 'octagon' not in text


def test_unknown_root_names_the_extension(tmp_path):
    with pytest.raises(KeyError, match='main/nope') as info:
        train(tmp_path, root='main/nope', image_format=None)
    assert "'dump_graph'" in info.value.__notes__[0]


PARAMETERS = ('/predictor/l1/W: (5, 4), float32', '/predictor/l1/b: (5), float32',
              '/predictor/l2/W: (3, 5), float32', '/predictor/l2/b: (3), float32')


@pytest.mark.parametrize('compile_step', [False, True])
def test_compiled_model_dumps_its_traced_graph_as_cg_dot(tmp_path, compile_step):
    train(tmp_path, compile_model=True, compile_step=compile_step, image_format=None)
    assert sorted(os.listdir(tmp_path)) == ['cg.dot', 'cg_plan.dot', 'cg_traced.dot']
    text, nodes, edges = read_dot(tmp_path / 'cg.dot')
    labels = set(nodes.values())
    # the model's layers, not one compiled call (drawn from the trace, parameters by
    # path, or from the eager first step of a compiled training step, by name)
    assert {p.rsplit('/', 1)[-1] for p in PARAMETERS} <= {n.rsplit('/', 1)[-1]
                                                          for n in labels}
    # Chainer's function nodes, whether drawn from the eager first step of a compiled
    # training step or from a compiled model's trace (which knows each op's F call)
    functions = sorted(lbl for n, lbl in nodes.items() if n.startswith('f'))
    assert functions == ['LinearFunction', 'LinearFunction', 'ReLU', 'SoftmaxCrossEntropy']
    assert not any('CompiledFunction' in label for label in labels)
    heads, tails = {h for h, _ in edges}, {t for _, t in edges}
    assert set(nodes) == heads | tails
    assert tails - heads == {'v0'} and nodes['v0'] == 'float32'  # the loss
    assert 'octagon' in text and 'record' in text   # the eager dump's styles


def test_traced_cg_dot_is_the_eager_graph(tmp_path):
    train(tmp_path / 'eager', image_format=None)
    train(tmp_path / 'traced', compile_model=True, image_format=None)
    graphs = []
    for run in ('eager', 'traced'):
        _, nodes, edges = read_dot(tmp_path / run / 'cg.dot')
        g = networkx.DiGraph()
        for name, label in nodes.items():
            g.add_node(name, label=label.rsplit('/', 1)[-1])    # /predictor/l1/W: -> W:
        g.add_edges_from(edges)
        graphs.append(g)
    assert networkx.is_isomorphic(*graphs, node_match=lambda a, b: a['label'] == b['label'])


def test_traced_cg_dot_is_stable(tmp_path):
    train(tmp_path / 'a', seed=0, compile_model=True, image_format=None)
    train(tmp_path / 'b', seed=1, compile_model=True, image_format=None)
    assert (tmp_path / 'a' / 'cg.dot').read_text() == (tmp_path / 'b' / 'cg.dot').read_text()


@pytest.fixture
def fake_dot(monkeypatch, tmp_path):
    """A `dot` that records its arguments and writes the image it is asked for."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    script = bin_dir / 'dot'
    script.write_text('#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls"\n'
                      'while [ "$1" != "-o" ]; do shift; done; echo image > "$2"\n')
    script.chmod(0o755)
    monkeypatch.setenv('PATH', f'{bin_dir}{os.pathsep}{os.environ["PATH"]}')
    return bin_dir / 'calls'


def test_images_only_of_graphs_small_enough_to_read(tmp_path, fake_dot):
    out = tmp_path / 'out'
    train(out, compile_model=True, max_image_nodes=60)
    dots = {name: computational_graph.dot_node_count((out / name).read_text())
            for name in os.listdir(out) if name.endswith('.dot')}
    small = {name for name, n in dots.items() if n <= 60}
    assert len(dots) == 3 and 0 < len(small) < 3   # the toy model has both kinds
    rendered = {name[:-len('.png')] + '.dot' for name in os.listdir(out)
                if name.endswith('.png')}
    assert rendered == small
    assert len(fake_dot.read_text().splitlines()) == len(rendered)


def test_max_image_nodes_none_renders_every_graph(tmp_path, fake_dot):
    out = tmp_path / 'out'
    train(out, compile_model=True, max_image_nodes=None)
    assert sorted(n for n in os.listdir(out) if n.endswith('.png')) == [
        'cg.png', 'cg_plan.png', 'cg_traced.png']


def test_dot_node_count_counts_node_statements():
    text = ('digraph g {\n  node [fontname="x"];\n  edge [fontsize=9];\n  a [label="a"];\n'
            '  b [label="b [1]"];\n  a -> b [label="e"];\n}\n')
    assert computational_graph.dot_node_count(text) == 2

