"""Chainer 7 (eager), on the same model source as chainfuse (`chain_models`).

It runs in Chainer's own virtualenv (``--peer-python chainer=PATH``), which has
neither chainfuse nor torch; this module imports only Chainer and numpy.
"""
from benchmarks.adapters.chain_models import ChainAdapter


class Chainer(ChainAdapter):
    framework = 'chainer'

    def setup(self, spec, params, x, t):
        import chainer
        self.chainer = chainer
        self.setup_chain(chainer, spec, params, x, t)

    def info(self):
        from benchmarks.machine import numpy_info
        return dict(numpy_info(), chainer=self.chainer.__version__)
