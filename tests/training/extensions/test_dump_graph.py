import os
import re

import pytest

import chainfuse
import chainfuse.links as L
from chainfuse import computational_graph, optimizers, training
from chainfuse.config import config
from chainfuse.iterators import SerialIterator
from chainfuse.training import extensions

from .._models import MLP, toy_dataset


def train(out, seed=0, root='main/loss', **kwargs):
    chainfuse.set_random_seed(seed)
    model = L.Classifier(MLP(n_units=5, n_out=3))
    opt = optimizers.SGD()
    opt.setup(model)
    updater = training.StandardUpdater(SerialIterator(toy_dataset(8), 4), opt)
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
    monkeypatch.setattr(computational_graph, '_warned_no_dot', False)


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
    assert tails - heads == {'v0'} and nodes['v0'] == '() float32'  # the loss
    assert 'octagon' in text and 'record' in text
    assert not getattr(config, 'keep_graph_on_report', False)


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
