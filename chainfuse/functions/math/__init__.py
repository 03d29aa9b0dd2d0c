from chainfuse.functions.math.sum import sum

__all__ = ['sum']
