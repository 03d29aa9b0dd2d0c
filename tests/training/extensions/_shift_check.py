"""Runs a shift extension against a real optimizer and checks its state round trip."""
import numpy

from chainfuse import optimizers
from chainfuse.serializers import DictionarySerializer, NpzDeserializer

from .._helpers import CountingUpdater, fake_trainer


def values(make_shift, n, attr='lr', start=0.1):
    """The attribute after initialize and after each of `n` calls."""
    opt = optimizers.SGD(lr=start) if attr == 'lr' else optimizers.MomentumSGD()
    trainer = fake_trainer(CountingUpdater(optimizers={'main': opt}))
    shift = make_shift()
    shift.initialize(trainer)
    seen = [getattr(opt, attr)]
    for _ in range(n):
        shift(trainer)
        seen.append(getattr(opt, attr))
    return seen


def resumed_values(make_shift, n_before, n_after, start=0.1):
    """Values set after a resume: the state saved after `n_before` calls is loaded into a
    fresh extension and a fresh optimizer, which is initialized and called `n_after` times."""
    opt = optimizers.SGD(lr=start)
    trainer = fake_trainer(CountingUpdater(optimizers={'main': opt}))
    shift = make_shift()
    shift.initialize(trainer)
    for _ in range(n_before):
        shift(trainer)
    s = DictionarySerializer()
    shift.serialize(s)
    saved = {k: numpy.asarray(v) for k, v in s.target.items()}

    opt2 = optimizers.SGD(lr=start)
    trainer2 = fake_trainer(CountingUpdater(optimizers={'main': opt2}))
    shift2 = make_shift()
    shift2.serialize(NpzDeserializer(saved))
    shift2.initialize(trainer2)
    seen = [opt2.lr]
    for _ in range(n_after):
        shift2(trainer2)
        seen.append(opt2.lr)
    return seen
