from chainfuse.functions.activation.relu import relu

__all__ = ['relu']
