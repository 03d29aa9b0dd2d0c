from chainfuse.functions.loss.black_out import black_out
from chainfuse.functions.loss.contrastive import contrastive
from chainfuse.functions.loss.crf1d import argmax_crf1d, crf1d
from chainfuse.functions.loss.cross_covariance import cross_covariance
from chainfuse.functions.loss.ctc import connectionist_temporal_classification
from chainfuse.functions.loss.decov import decov
from chainfuse.functions.loss.hinge import hinge
from chainfuse.functions.loss.huber_loss import huber_loss
from chainfuse.functions.loss.mean_absolute_error import absolute_error, mean_absolute_error
from chainfuse.functions.loss.mean_squared_error import mean_squared_error, squared_error
from chainfuse.functions.loss.negative_sampling import negative_sampling
from chainfuse.functions.loss.sigmoid_cross_entropy import sigmoid_cross_entropy
from chainfuse.functions.loss.softmax_cross_entropy import softmax_cross_entropy
from chainfuse.functions.loss.triplet import triplet
from chainfuse.functions.loss.vae import bernoulli_nll, gaussian_kl_divergence, gaussian_nll

__all__ = ['absolute_error', 'bernoulli_nll', 'gaussian_kl_divergence', 'gaussian_nll',
           'hinge', 'huber_loss', 'mean_absolute_error', 'mean_squared_error',
           'sigmoid_cross_entropy', 'softmax_cross_entropy', 'squared_error', 'black_out',
           'contrastive', 'argmax_crf1d', 'crf1d', 'cross_covariance',
           'connectionist_temporal_classification', 'decov', 'negative_sampling', 'triplet']
