"""ParallelUpdater on CPU replicas: each step equals one update with the gradients of
the sub-batches (batch[0::2], batch[1::2]) added, and the replicas stay equal to the
main model; MultiprocessParallelUpdater says it is not available."""
import numpy
import pytest

import chainfuse as chainer
import chainfuse.links as L
from chainfuse import datasets, iterators, optimizers, training


def make():
    numpy.random.seed(0)
    model = L.Classifier(L.Linear(3, 4))
    rng = numpy.random.RandomState(1)
    data = datasets.TupleDataset(rng.randn(12, 3).astype(numpy.float32),
                                 rng.randint(0, 4, 12).astype(numpy.int32))
    return model, data


def test_parallel_step_is_the_step_of_the_summed_sub_batch_gradients():
    model, data = make()
    reference = model.copy(mode='copy')
    opt = optimizers.SGD(lr=0.5)
    opt.setup(model)
    updater = training.updaters.ParallelUpdater(
        iterators.SerialIterator(data, 6, shuffle=False), opt,
        devices={'main': '@numpy', 'second': -1})
    second = updater._models['second']
    assert second is not model and second.device is chainer.backend.CPU
    ref_opt = optimizers.SGD(lr=0.5)
    ref_opt.setup(reference)
    for step in range(2):
        batch = [data[i] for i in range(6 * step, 6 * step + 6)]
        reference.cleargrads()
        for part in (batch[0::2], batch[1::2]):
            x, t = chainer.dataset.concat_examples(part)
            reference(x, t).backward()
        ref_opt.update()
        updater.update()
        numpy.testing.assert_allclose(model.predictor.W.array, reference.predictor.W.array,
                                      rtol=1e-6, atol=1e-7)
        numpy.testing.assert_array_equal(second.predictor.W.array, model.predictor.W.array)
    assert updater.iteration == 2 and updater.epoch == 1


def test_parallel_updater_in_a_trainer_reports_each_replica(tmp_path):
    model, data = make()
    opt = optimizers.Adam()
    opt.setup(model)
    updater = training.ParallelUpdater(iterators.SerialIterator(data, 4), opt,
                                       devices={'main': -1, 'b': -1})
    trainer = training.Trainer(updater, (2, 'iteration'), out=str(tmp_path))
    log = []
    trainer.extend(lambda t: log.append(dict(t.observation)), name='grab')
    trainer.run()
    assert {'main/loss', 'b/loss'} <= set(log[-1])


def test_parallel_updater_arguments():
    model, data = make()
    opt = optimizers.SGD()
    opt.setup(model)
    it = iterators.SerialIterator(data, 4)
    with pytest.raises(ValueError, match='models= or devices='):
        training.updaters.ParallelUpdater(it, opt)
    with pytest.raises(KeyError, match="'main' key"):
        training.updaters.ParallelUpdater(it, opt, devices={'a': -1})


def test_multiprocess_parallel_updater_is_not_available():
    assert training.updaters.MultiprocessParallelUpdater.available() is False
    with pytest.raises(RuntimeError, match='chainfuse.distributed'):
        training.updaters.MultiprocessParallelUpdater([], None)
