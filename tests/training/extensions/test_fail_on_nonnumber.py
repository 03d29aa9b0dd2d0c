import numpy
import pytest

from chainfuse import optimizers, training
from chainfuse.training import extensions

from .._helpers import CountingUpdater
from .._models import MLP


def trainer_for(model, tmp_path):
    opt = optimizers.SGD()
    opt.setup(model)
    trainer = training.Trainer(CountingUpdater(optimizers={'main': opt}), (2, 'iteration'),
                               out=str(tmp_path))
    trainer.extend(extensions.FailOnNonNumber())
    return trainer


def mlp():
    return MLP(n_units=3, n_out=2, n_in=4)


def test_finite_parameters_pass(tmp_path):
    trainer_for(mlp(), tmp_path).run()


def test_nan_parameter_stops_training(tmp_path):
    model = mlp()
    model.l2.W.array[0, 0] = numpy.nan
    with pytest.raises(RuntimeError, match=r"/l2/W in optimizer 'main' diverged") as info:
        trainer_for(model, tmp_path).run(show_loop_exception_msg=False)
    assert "'FailOnNonNumber'" in info.value.__notes__[0]


def test_infinite_gradient_stops_training(tmp_path):
    model = mlp()
    model.l1.b.grad = numpy.array([0, numpy.inf, 0], numpy.float32)
    with pytest.raises(RuntimeError, match='gradient /l1/b'):
        trainer_for(model, tmp_path).run(show_loop_exception_msg=False)
