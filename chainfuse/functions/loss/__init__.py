from chainfuse.functions.loss.hinge import hinge
from chainfuse.functions.loss.huber_loss import huber_loss
from chainfuse.functions.loss.mean_absolute_error import absolute_error, mean_absolute_error
from chainfuse.functions.loss.mean_squared_error import mean_squared_error, squared_error
from chainfuse.functions.loss.sigmoid_cross_entropy import sigmoid_cross_entropy
from chainfuse.functions.loss.softmax_cross_entropy import softmax_cross_entropy
from chainfuse.functions.loss.vae import bernoulli_nll, gaussian_kl_divergence, gaussian_nll

__all__ = ['absolute_error', 'bernoulli_nll', 'gaussian_kl_divergence', 'gaussian_nll',
           'hinge', 'huber_loss', 'mean_absolute_error', 'mean_squared_error',
           'sigmoid_cross_entropy', 'softmax_cross_entropy', 'squared_error']
