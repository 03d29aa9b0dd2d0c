from chainfuse.functions.noise.dropout import dropout
from chainfuse.functions.noise.gaussian import gaussian

__all__ = ['dropout', 'gaussian']
