"""Activation links with parameters: PReLU, Swish, SimplifiedDropconnect (L.Maxout is in
links/connection/maxout.py)."""
from chainfuse.links.activation.prelu import PReLU  # noqa: F401
from chainfuse.links.activation.simplified_dropconnect import SimplifiedDropconnect  # noqa
from chainfuse.links.activation.swish import Swish  # noqa: F401

__all__ = ['PReLU', 'SimplifiedDropconnect', 'Swish']
