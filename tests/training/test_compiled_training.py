"""Trainer with a compiled whole step: same results as eager, graph dumps of the traced
IR and the fused plans, and resuming a compiled run from its snapshot."""
import os

import numpy
import pytest

import chainfuse as chainer
import chainfuse.links as L
from chainfuse import serializers, training
from chainfuse.training import extensions
from tests.zoo.models import MLP


def _trainer(out, compile, epochs=3, seed=0):
    chainer.set_random_seed(seed)
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((60, 12)).astype('float32')
    t = rng.integers(0, 10, 60).astype('int32')
    model = L.Classifier(MLP())
    opt = chainer.optimizers.Adam()
    opt.setup(model)
    it = chainer.iterators.SerialIterator(chainer.datasets.TupleDataset(x, t), 20)
    updater = training.StandardUpdater(it, opt, compile=compile)
    trainer = training.Trainer(updater, (epochs, 'epoch'), out=out)
    trainer.extend(extensions.dump_graph('main/loss', image_format=None))
    trainer.extend(extensions.LogReport())
    trainer.extend(extensions.snapshot(), trigger=(1, 'epoch'))
    return trainer, model


def test_compiled_trainer_matches_eager_and_dumps_graphs(tmp_path):
    te, me = _trainer(str(tmp_path / 'e'), False)
    te.run()
    tc, mc = _trainer(str(tmp_path / 'c'), True)
    tc.run()
    for (k, a), (_, b) in zip(sorted(me.namedparams()), sorted(mc.namedparams())):
        numpy.testing.assert_allclose(b.array, a.array, rtol=1e-4, atol=1e-6, err_msg=k)
    assert tc.updater._compiled_step.stats['compiled_calls'] == 8  # the first step is eager
    for name in ('cg.dot', 'cg_traced.dot', 'cg_plan.dot'):
        assert os.path.exists(tmp_path / 'c' / name), name
    plan = (tmp_path / 'c' / 'cg_plan.dot').read_text()
    assert 'cluster_p0_' in plan and 'fused_' in plan
    t2, _ = _trainer(str(tmp_path / 'c2'), True)
    t2.run()
    for name in ('cg_traced.dot', 'cg_plan.dot'):
        assert (tmp_path / 'c' / name).read_bytes() == (tmp_path / 'c2' / name).read_bytes()


def test_compiled_run_resumes_from_its_snapshot(tmp_path):
    full, m_full = _trainer(str(tmp_path / 'full'), True)
    full.run()
    resumed, m_res = _trainer(str(tmp_path / 'res'), True)
    serializers.load_npz(str(tmp_path / 'full' / 'snapshot_iter_3'), resumed)
    resumed.run()
    for (k, a), (_, b) in zip(sorted(m_full.namedparams()), sorted(m_res.namedparams())):
        numpy.testing.assert_array_equal(b.array, a.array, err_msg=k)
