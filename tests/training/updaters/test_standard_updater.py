import numpy
import pytest

import chainfuse
import chainfuse.links as L
from chainfuse import optimizers
from chainfuse.dataset import concat_examples
from chainfuse.iterators import SerialIterator
from chainfuse.serializers import DictionarySerializer, NpzDeserializer
from chainfuse.training import StandardUpdater

from .._models import MLP, toy_dataset


def setup(batch=4, n=10, shuffle=False, seed=0):
    chainfuse.set_random_seed(seed)
    model = L.Classifier(MLP(n_in=4))
    opt = optimizers.SGD(lr=0.1)
    opt.setup(model)
    it = SerialIterator(toy_dataset(n), batch, shuffle=shuffle)
    return model, opt, it


def test_one_update_is_one_optimizer_step_on_the_batch():
    model, opt, it = setup()
    ref_model, ref_opt, ref_it = setup()
    updater = StandardUpdater(it, opt)
    updater.update()
    ref_opt.update(ref_model, *concat_examples(ref_it.next()))
    for (name, p), (_, q) in zip(model.namedparams(), ref_model.namedparams()):
        numpy.testing.assert_array_equal(p.array, q.array, err_msg=name)
    assert updater.iteration == 1 and opt.t == 1


def test_progress_follows_the_main_iterator():
    model, opt, it = setup(batch=4, n=10)
    updater = StandardUpdater(it, opt, device=-1)
    seen = []
    for _ in range(5):
        updater.update()
        seen.append((updater.iteration, updater.epoch, updater.epoch_detail,
                     updater.is_new_epoch, opt.epoch))
    assert seen == [(1, 0, 0.4, False, 0), (2, 0, 0.8, False, 0), (3, 1, 1.2, True, 1),
                    (4, 1, 1.6, False, 1), (5, 2, 2.0, True, 2)]
    assert updater.previous_epoch_detail == pytest.approx(1.6)
    with pytest.raises(RuntimeError, match='duplicated new_epoch'):
        opt.new_epoch()


def test_converter_dict_and_loss_func():
    model, opt, it = setup()
    calls = []

    def converter(batch, device):
        x, t = concat_examples(batch, device)
        return {'x': x, 't': t}

    def loss_func(x, t):
        calls.append((x.shape, t.shape))
        return model(x, t)

    updater = StandardUpdater({'main': it}, {'main': opt}, converter=converter,
                              loss_func=loss_func)
    updater.update()
    assert calls == [((4, 4), (4,))]
    assert updater.get_optimizer('main') is opt and updater.get_iterator('main') is it


@pytest.mark.parametrize('device, expected', [(None, None), (-1, -1), ('@numpy', -1)])
def test_plain_converter_gets_the_legacy_device(device, expected):
    model, opt, it = setup()
    seen = []

    def converter(batch, device):
        seen.append(device)
        return concat_examples(batch)

    updater = StandardUpdater(it, opt, converter=converter, device=device)
    updater.update()
    assert seen == [expected]
    assert updater.device == (None if device is None else chainfuse.backend.CPU)


def test_missing_main_entry():
    model, opt, it = setup()
    with pytest.raises(ValueError, match="'main'"):
        StandardUpdater({'train': it}, opt)


def test_serialize_round_trip():
    model, opt, it = setup(shuffle=True)
    updater = StandardUpdater(it, opt)
    for _ in range(3):
        updater.update()
    s = DictionarySerializer()
    updater.serialize(s)
    assert 'iteration' in s.target and 'model:main/predictor/l1/W' in s.target
    assert any(k.startswith('iterator:main/') for k in s.target)
    assert 'optimizer:main/t' in s.target

    model2, opt2, it2 = setup(shuffle=True, seed=1)
    updater2 = StandardUpdater(it2, opt2)
    updater2.serialize(NpzDeserializer(dict(s.target)))
    assert (updater2.iteration, opt2.t, updater2.epoch_detail) == (3, 3, updater.epoch_detail)
    numpy.testing.assert_array_equal(model2.predictor.l1.W.array, model.predictor.l1.W.array)
    updater.update()
    updater2.update()
    numpy.testing.assert_array_equal(model2.predictor.l2.W.array, model.predictor.l2.W.array)
