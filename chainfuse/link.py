"""Chainer's ``chainer.link`` module: Link, Chain and ChainList."""
from chainfuse.links.link import Chain, ChainList, Link  # noqa: F401

__all__ = ['Link', 'Chain', 'ChainList']
