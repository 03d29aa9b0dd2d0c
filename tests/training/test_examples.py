"""examples/train_mnist.py and its custom-loop twin, on the 8x8 digits that ship with chainfuse."""
import importlib.util
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.filterwarnings('ignore:the graphviz "dot" binary')


def load(name):
    path = os.path.join(ROOT, 'examples', name + '.py')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_train_mnist_reaches_95_percent_with_defaults(tmp_path, capsys):
    load('train_mnist').main(['--out', str(tmp_path), '--noplot'])
    with open(tmp_path / 'log') as f:
        log = json.load(f)
    assert len(log) == 20 and log[-1]['validation/main/accuracy'] >= 0.95
    assert {'cg.dot', 'log', 'mlp.model', 'snapshot_iter_288'} <= set(os.listdir(tmp_path))
    out = capsys.readouterr().out
    assert out.splitlines()[6].startswith('epoch       main/loss   validation/main/loss')
    assert '0-th image: answer = ' in out and '9-th image: answer = ' in out


def test_train_mnist_resumes_from_its_snapshot(tmp_path, capsys):
    mnist = load('train_mnist')
    mnist.main(['--out', str(tmp_path / 'a'), '--epoch', '1', '--noplot'])
    trainer = mnist.main(['--out', str(tmp_path / 'b'), '--epoch', '2', '--noplot',
                          '--resume', str(tmp_path / 'a' / 'snapshot_iter_15')])
    log = trainer.get_extension('LogReport').log
    assert [e['epoch'] for e in log] == [1, 2]


def test_custom_loop(tmp_path, capsys):
    accuracy = load('train_mnist_custom_loop').main(['--out', str(tmp_path), '--epoch', '2'])
    assert 0.5 < accuracy <= 1
    assert sorted(os.listdir(tmp_path)) == ['mlp.model', 'mlp.state']
    assert 'test mean  loss' in capsys.readouterr().out


@pytest.mark.parametrize('backend', ['numpy', 'numba'])
def test_train_mnist_compiled_counts_and_draws_the_model(tmp_path, capsys, backend):
    trainer = load('train_mnist').main(['--out', str(tmp_path), '--epoch', '2', '--noplot',
                                        '--compile', '--backend', backend])
    step = trainer.updater._compiled_step
    assert step.stats['compiled_calls'] == trainer.updater.iteration - 1  # not the first
    assert {p.backend for e in step.entries for p in e.plans} == {backend}
    log = trainer.get_extension('LogReport').log
    assert [e['compile/kernels'] for e in log] == [step.stats['kernels']] * 2
    assert {'cg.dot', 'cg_traced.dot', 'cg_plan.dot'} <= set(os.listdir(tmp_path))
    assert 'W: (10, 100), float32' in (tmp_path / 'cg.dot').read_text()  # the model's layers
