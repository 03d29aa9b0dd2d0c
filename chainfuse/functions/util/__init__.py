"""Utility functions (Chainer's ``chainer.functions.util``): forget."""
from chainfuse.functions.util.forget import forget

__all__ = ['forget']
