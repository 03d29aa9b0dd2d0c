from chainfuse import functions as F
from chainfuse.config import config
from chainfuse.links.normalization.batch_normalization import BatchNormalization


class BatchRenormalization(BatchNormalization):
    """``BatchRenormalization(size, rmax=1, dmax=0, decay=0.9, eps=2e-5, dtype=None,
    use_gamma=True, use_beta=True, initial_gamma=None, initial_beta=None,
    initial_avg_mean=None, initial_avg_var=None)``: BatchNormalization whose training
    output is corrected toward the running statistics (``F.batch_renormalization``);
    the same parameters and persistents."""

    def __init__(self, size, rmax=1, dmax=0, decay=0.9, eps=2e-5, dtype=None,
                 use_gamma=True, use_beta=True, initial_gamma=None, initial_beta=None,
                 initial_avg_mean=None, initial_avg_var=None):
        super().__init__(size, decay, eps, dtype, use_gamma, use_beta, initial_gamma,
                         initial_beta, initial_avg_mean=initial_avg_mean,
                         initial_avg_var=initial_avg_var)
        self.rmax = rmax
        self.dmax = dmax

    def forward(self, x, finetune=False):
        gamma, beta = self._scale_and_shift(x, x.dtype)
        if not config.train:
            return F.fixed_batch_normalization(x, gamma, beta, self.avg_mean, self.avg_var,
                                               self.eps)
        return F.batch_renormalization(x, gamma, beta, self.rmax, self.dmax, self.eps,
                                       self.avg_mean, self.avg_var, self._decay(finetune),
                                       update_statistics=True)
