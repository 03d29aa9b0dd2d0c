from chainfuse.functions.evaluation.accuracy import accuracy
from chainfuse.functions.evaluation.binary_accuracy import binary_accuracy
from chainfuse.functions.evaluation.classification_summary import (
    classification_summary, f1_score, precision, recall)
from chainfuse.functions.evaluation.r2_score import r2_score

__all__ = ['accuracy', 'binary_accuracy', 'classification_summary', 'f1_score', 'precision',
           'recall', 'r2_score']
