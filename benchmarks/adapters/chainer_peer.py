"""Chainer 7 (eager), on the same model source as chainfuse (`chain_models`).

It runs in Chainer's own virtualenv (``--peer-python chainer=PATH``), which has
neither chainfuse nor torch; this module imports only Chainer and numpy.
"""
from benchmarks.adapters.base import Adapter
from benchmarks.adapters.chain_models import build, make_optimizer


class Chainer(Adapter):
    framework = 'chainer'

    def setup(self, spec, params, x, t):
        import chainer
        self.chainer = chainer
        self.model = build(chainer, spec, params)
        self.opt = make_optimizer(chainer, spec)
        self.opt.setup(self.model)
        self.x, self.t = x, t

    def step(self):
        self.opt.update(self.model, self.x, self.t)

    def step_loss(self):
        losses = []

        def lossfun(x, t):
            losses.append(self.model(x, t))
            return losses[-1]
        self.opt.update(lossfun, self.x, self.t)
        return float(losses[0].array)

    def info(self):
        from benchmarks.machine import numpy_info
        return dict(numpy_info(), chainer=self.chainer.__version__)
