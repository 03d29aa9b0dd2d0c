from chainfuse.functions.evaluation.accuracy import accuracy
from chainfuse.functions.evaluation.binary_accuracy import binary_accuracy

__all__ = ['accuracy', 'binary_accuracy']
