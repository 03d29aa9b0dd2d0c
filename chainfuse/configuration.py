"""``chainer.configuration``: the same module as `chainfuse.config` under Chainer's name
(``from chainer import configuration``; ``configuration.config``, ``using_config``,
``GlobalConfig``, ``LocalConfig``)."""
import importlib
import sys

# (``chainfuse.config`` as an attribute of the package is the config object, so the
# module is taken from sys.modules)
sys.modules[__name__] = importlib.import_module('chainfuse.config')
