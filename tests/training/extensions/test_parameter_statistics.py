import numpy
import pytest

from chainfuse import reporter, training
from chainfuse.link import Chain
import chainfuse.links as L
from chainfuse.training import extensions

from .._helpers import CountingUpdater, fake_trainer


def model():
    m = Chain()
    with m.init_scope():
        m.l1 = L.Linear(2, 2)
    m.l1.W.array[...] = numpy.array([[1, 2], [3, 0]], numpy.float32)
    m.l1.b.array[...] = 0
    m.l1.W.grad = numpy.full((2, 2), 0.5, numpy.float32)
    return m


def collect(ext):
    obs = {}
    with reporter.Reporter().scope(obs):
        ext(fake_trainer(CountingUpdater()))
    return obs


def test_default_statistics_of_params_and_grads():
    obs = collect(extensions.ParameterStatistics(model(), trigger=lambda t: True))
    assert float(obs['l1/W/data/mean']) == pytest.approx(1.5)
    assert float(obs['l1/W/data/max']) == 3
    assert float(obs['l1/W/data/zeros']) == 1
    assert float(obs['l1/W/grad/std']) == 0
    assert float(obs['l1/b/data/zeros']) == 2
    assert 'l1/b/grad/mean' not in obs  # b has no gradient yet
    assert sorted(k for k in obs if k.startswith('l1/W/data/percentile/')) == \
        [f'l1/W/data/percentile/{i}' for i in range(7)]


def test_custom_statistics_prefix_and_interval():
    ext = extensions.ParameterStatistics(
        [model().l1], statistics={'sum': lambda x: x.sum()}, report_grads=False,
        prefix='stats', trigger=(2, 'iteration'))
    updater = CountingUpdater()
    trainer = fake_trainer(updater)
    seen = []
    for _ in range(2):
        updater.update()
        obs = {}
        with reporter.Reporter().scope(obs):
            ext(trainer)
        seen.append(obs)
    assert seen[0] == {}
    assert {k: float(v) for k, v in seen[1].items()} == {'stats/l1/W/data/sum': 6.0,
                                                         'stats/l1/b/data/sum': 0.0}


def test_in_a_trainer(tmp_path):
    trainer = training.Trainer(CountingUpdater(), (1, 'iteration'), out=str(tmp_path))
    trainer.extend(extensions.ParameterStatistics(model(), trigger=(1, 'iteration')))
    trainer.extend(extensions.LogReport(trigger=(1, 'iteration')))
    trainer.run()
    entry = trainer.get_extension('LogReport').log[0]
    assert entry['l1/W/data/min'] == 0.0
