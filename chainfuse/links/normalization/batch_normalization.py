"""L.BatchNormalization: normalizes with batch statistics while training, and with the
running averages (persistents ``avg_mean``, ``avg_var``, ``N``) in test mode."""
import numpy

from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.config import config
from chainfuse.core.variable import Parameter
from chainfuse.functions._util import v1_kwargs
from chainfuse.links.link import Link


class BatchNormalization(Link):
    """Batch normalization layer.

    Args:
        size: shape (int or tuple) of the per-channel parameters; None takes it from
            the first input (the channel axis, or the axes not in `axis`).
        decay: weight of the old running statistics in each update.
        eps: added to the variance for stability.
        dtype: dtype of gamma, beta and the running statistics (default config.dtype).
        use_gamma, use_beta: learn a scale / a shift.
        initial_gamma, initial_beta: their initializers (default 1 and 0).
        axis: the axes normalized over (default: batch and spatial axes, i.e. all but 1).
        initial_avg_mean, initial_avg_var: initializers of the running statistics.

    While ``config.train`` is True the call normalizes with the batch mean and variance
    and ``F.batch_normalization`` updates ``avg_mean``/``avg_var`` in place:
    ``avg = decay * avg + (1 - decay) * batch_stat`` (the variance unbiased by
    m / (m - 1)).  With ``finetune=True`` the decay is ``1 - 1/N`` (a cumulative
    average over the N batches since `start_finetuning`).  In test mode the running
    statistics are used and nothing is updated.
    """

    gamma = None
    beta = None
    avg_mean = None
    avg_var = None

    def __init__(self, size=None, decay=0.9, eps=2e-5, dtype=None, use_gamma=True,
                 use_beta=True, initial_gamma=None, initial_beta=None, axis=None,
                 initial_avg_mean=None, initial_avg_var=None, **kwargs):
        if kwargs:
            v1_kwargs('BatchNormalization', kwargs)
        super().__init__()
        self._dtype = numpy.dtype(config.dtype if dtype is None else dtype)
        self.add_persistent('avg_mean', None)
        self.add_persistent('avg_var', None)
        self.add_persistent('N', 0)
        self.decay = decay
        self.eps = eps
        self.axis = (axis,) if isinstance(axis, int) else axis
        self._initial_avg_mean = initial_avg_mean
        self._initial_avg_var = initial_avg_var
        with self.init_scope():
            if use_gamma:
                self.gamma = Parameter(self._initializer(initial_gamma, 1))
            if use_beta:
                self.beta = Parameter(self._initializer(initial_beta, 0))
        if size is not None:
            self._initialize_params(size)

    def _initializer(self, spec, default):
        init = initializers._get_initializer(default if spec is None else spec)
        if getattr(init, 'dtype', None) is None:
            try:
                init.dtype = self._dtype
            except AttributeError:  # pragma: no cover - a read-only custom initializer
                pass
        return init

    def _initialize_params(self, shape):
        xp_device = self.device
        self.avg_mean = initializers.generate_array(
            self._initializer(self._initial_avg_mean, 0), shape, xp_device.xp,
            dtype=self._dtype, device=xp_device)
        self.avg_var = initializers.generate_array(
            self._initializer(self._initial_avg_var, 1), shape, xp_device.xp,
            dtype=self._dtype, device=xp_device)
        if self.gamma is not None:
            self.gamma.initialize(shape)
        if self.beta is not None:
            self.beta.initialize(shape)

    def _param_shape(self, x):
        if self.axis is None:
            return (x.shape[1],)
        axes = {a % x.ndim for a in self.axis}
        return tuple(d for i, d in enumerate(x.shape) if i not in axes)

    def forward(self, x, finetune=False, **kwargs):
        if 'test' in kwargs:
            raise ValueError("BatchNormalization: the 'test' argument is not supported; use "
                             "chainfuse.using_config('train', False)")
        if kwargs:
            raise TypeError(f'BatchNormalization: unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        gamma, beta = self._scale_and_shift(x)
        if not config.train:
            return F.fixed_batch_normalization(x, gamma, beta, self.avg_mean, self.avg_var,
                                               self.eps, axis=self.axis)
        decay = self._decay(finetune)
        return F.batch_normalization(x, gamma, beta, eps=self.eps,
                                     running_mean=self.avg_mean, running_var=self.avg_var,
                                     decay=decay, axis=self.axis)

    def _scale_and_shift(self, x, dtype=None):
        """gamma and beta (ones and zeros for the ones not used), the parameters and
        statistics created from the first input."""
        self._check_input_device(x)
        if self.avg_mean is None:
            self._initialize_params(self._param_shape(x))
        dtype = self._dtype if dtype is None else dtype
        xp = self.xp
        gamma = self.gamma if self.gamma is not None else \
            xp.ones(self.avg_mean.shape, dtype=dtype)
        beta = self.beta if self.beta is not None else \
            xp.zeros(self.avg_mean.shape, dtype=dtype)
        return gamma, beta

    def _decay(self, finetune):
        """The running averages' decay: fixed, or 1 - 1/N over finetuning batches."""
        if finetune:
            self.N += 1
            return 1.0 - 1.0 / self.N
        return self.decay

    def start_finetuning(self):
        """Resets N: the next `finetune=True` calls average the statistics from scratch."""
        self.N = 0

    @property
    def printable_specs(self):
        shape = None if self.avg_mean is None else tuple(self.avg_mean.shape)
        yield 'size', shape
        yield 'decay', self.decay
        yield 'eps', self.eps
