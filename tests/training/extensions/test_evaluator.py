import numpy
import pytest

import chainfuse
import chainfuse.functions as F
import chainfuse.links as L
from chainfuse import reporter, training
from chainfuse.dataset import concat_examples
from chainfuse.iterators import SerialIterator
from chainfuse.training import extensions

from .._helpers import CountingUpdater
from .._models import MLP, toy_dataset


def classifier():
    chainfuse.set_random_seed(0)
    return L.Classifier(MLP())


def test_means_over_batches_like_a_manual_loop():
    model = classifier()
    data = toy_dataset(10)
    it = SerialIterator(data, 4, repeat=False, shuffle=False)
    result = extensions.Evaluator(it, model)()
    losses, accs = [], []
    for i in range(0, 10, 4):
        x, t = concat_examples(data[i:i + 4])
        y = model.predictor(x)
        losses.append(float(F.softmax_cross_entropy(y, t).array))
        accs.append(float(F.accuracy(y, t).array))
    assert float(result['main/loss']) == pytest.approx(numpy.mean(losses), rel=1e-5)
    assert float(result['main/accuracy']) == pytest.approx(numpy.mean(accs), rel=1e-5)


def test_test_mode_without_graph_and_iterator_untouched():
    seen = []

    def eval_func(x, t):
        seen.append((chainfuse.config.train, chainfuse.config.enable_backprop))
        reporter.report({'n': float(len(x))})

    it = SerialIterator(toy_dataset(10), 4, repeat=False, shuffle=False)
    ev = extensions.Evaluator(it, {'main': classifier()}, eval_func=eval_func)
    first = ev()
    assert seen == [(False, False)] * 3
    assert (it.epoch, it.current_position) == (0, 0)
    assert ev() == first and float(first['n']) == pytest.approx(10 / 3)
    assert chainfuse.config.train


def test_reports_validation_keys_in_a_trainer(tmp_path):
    model = classifier()
    it = SerialIterator(toy_dataset(10), 5, repeat=False, shuffle=False)
    trainer = training.Trainer(CountingUpdater(2), (2, 'epoch'), out=str(tmp_path))
    trainer.extend(extensions.Evaluator(it, model))
    trainer.extend(extensions.LogReport())
    trainer.run()
    log = trainer.get_extension('LogReport').log
    assert len(log) == 2
    assert {'validation/main/loss', 'validation/main/accuracy'} <= set(log[0])
    assert log[0]['validation/main/loss'] == log[1]['validation/main/loss']  # same model


def test_repeating_iterator_warns():
    with pytest.warns(UserWarning, match='repeat=True'):
        extensions.Evaluator(SerialIterator(toy_dataset(4), 2), classifier())


def test_compiled_target_reports_its_compile_totals_under_its_name():
    model = chainfuse.compile(classifier())
    evaluator = extensions.Evaluator(SerialIterator(toy_dataset(10), 4, repeat=False), model)
    evaluator.name = 'validation'
    result = evaluator()
    state = model._chainfuse_compiled
    assert not any(k.startswith('compile/') for k in result)  # the training step's keys
    assert result['validation/compile/kernels'] == state.stats['kernels'] > 0
    # batches of 4, 4 then 2: the last is a new batch size (dynamic batch), no retrace
    assert result['validation/compile/retraces'] == state.cache.retraces == 0
    assert state.cache.batch_traces == 1 and len(state.entries) == 2
    assert 'validation/main/loss' in result  # the means are still there
