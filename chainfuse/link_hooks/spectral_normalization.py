import numpy

from chainfuse.config import config, no_backprop_mode
from chainfuse.core import state
from chainfuse.link_hooks.link_hook import LinkHook, standin
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R


def _l2normalize(v, eps):
    return E.div(v, E.add(E.sqrt(R.sum(E.mul(v, v))), eps))


def _vec(v, shape):
    return A.reshape(v, shape=shape)


class SpectralNormalization(LinkHook):
    """Spectral normalization (Miyato et al.) of a link's weight, as Chainer's hook.

    ``link.add_hook(SpectralNormalization())``: at every call the weight W (viewed as a
    matrix: axis 0 against the rest; axis 1 for deconvolutions) is divided by an
    estimate of its largest singular value, ``sigma = u^T W v``, with u and v refined by
    `n_power_iteration` steps of the power method from the persistent ``W_u`` (updated
    in training mode).  ``use_gamma`` adds a learned scale ``gamma`` (initially the true
    largest singular value); ``factor`` divides sigma.  Gradients flow through sigma to W
    (u and v are constants, as in the paper).

    Traceable: the power iteration and the normalization are ops and the update of
    ``W_u`` goes through ``update_state``, so a compiled model replays all of it.  ``W_u``
    is drawn from a standard normal with the initializers' generator.
    """

    name = 'SpectralNormalization'
    traceable = True

    def __init__(self, n_power_iteration=1, eps=1e-6, use_gamma=False, factor=None,
                 weight_name='W', name=None):
        if n_power_iteration <= 0:
            raise ValueError(f'SpectralNormalization: n_power_iteration must be > 0, got '
                             f'{n_power_iteration}')
        self.n_power_iteration = n_power_iteration
        self.eps = eps
        self.use_gamma = use_gamma
        self.factor = factor
        self.weight_name = weight_name
        self.vector_name = weight_name + '_u'
        self._initialized = False
        self.axis = 0
        if name is not None:
            self.name = name

    def __enter__(self):
        raise NotImplementedError('SpectralNormalization is registered on a link with '
                                  'link.add_hook(hook), not used as a context manager')

    def __exit__(self, *_):
        raise NotImplementedError

    def added(self, link):
        if not hasattr(link, self.weight_name):
            raise ValueError(f'SpectralNormalization: {type(link).__name__} has no weight '
                             f'{self.weight_name!r}')
        from chainfuse.links import Deconvolution2D, DeconvolutionND
        if isinstance(link, (Deconvolution2D, DeconvolutionND)):
            self.axis = 1
        if getattr(link, self.weight_name).is_initialized:
            self._prepare_parameters(link)

    def deleted(self, link):
        delattr(link, self.vector_name)
        if self.use_gamma:
            del link.gamma

    def forward_preprocess(self, cb_args):
        link = cb_args.link
        if not self._initialized:
            self._prepare_parameters(link, cb_args.args[0] if cb_args.args else None)
        weight = link.__dict__[self.weight_name]
        self.original_weight = weight
        # set without Link.__setattr__: the normalized weight is a temporary stand-in for
        # the parameter during this forward, not a new attribute of the link
        link.__dict__[self.weight_name] = standin(self.normalize_weight(link))

    def forward_postprocess(self, cb_args):
        cb_args.link.__dict__[self.weight_name] = self.original_weight

    def _prepare_parameters(self, link, x=None):
        weight = getattr(link, self.weight_name)
        if not weight.is_initialized and x is not None:
            link._initialize_params(x.shape[1])
        if weight.shape[self.axis] == 0:
            raise ValueError(f'SpectralNormalization: {self.weight_name}.shape[{self.axis}] '
                             'must be > 0')
        from chainfuse.initializers.initializer import get_rng
        u = numpy.asarray(get_rng(None).normal(size=(weight.shape[self.axis],)))
        setattr(link, self.vector_name, link.xp.asarray(u.astype(weight.dtype)))
        link.register_persistent(self.vector_name)
        if self.use_gamma:
            from chainfuse.core.variable import Parameter
            matrix = numpy.asarray(self._matrix_array(weight.array))
            s0 = numpy.linalg.svd(matrix, compute_uv=False)[0]
            with link.init_scope():
                link.gamma = Parameter(link.xp.asarray(numpy.asarray(s0, weight.dtype)))
        self._initialized = True

    def _matrix_array(self, w):
        if self.axis != 0:
            w = numpy.moveaxis(w, self.axis, 0)
        return w.reshape(w.shape[0], -1)

    def reshape_W(self, W):
        """W as the matrix whose spectral norm is taken (axis first, the rest flattened)."""
        if self.axis != 0:
            axes = (self.axis,) + tuple(i for i in range(W.ndim) if i != self.axis)
            W = A.transpose(W, axes=axes)
        if W.ndim == 2:
            return W
        return A.reshape(W, shape=(W.shape[0], W.size // W.shape[0]))

    def normalize_weight(self, link):
        W = link.__dict__[self.weight_name]
        u_array = getattr(link, self.vector_name)
        matrix = self.reshape_W(W)
        rows, cols = matrix.shape
        with no_backprop_mode():      # u and v are constants of the gradient
            m = matrix
            u = u_array
            for _ in range(self.n_power_iteration):
                v = _l2normalize(_vec(linalg.matmul(_vec(u, (1, rows)), m), (cols,)), self.eps)
                u = _l2normalize(_vec(linalg.matmul(m, _vec(v, (cols, 1))), (rows,)), self.eps)
        sigma = _vec(linalg.matmul(linalg.matmul(_vec(u, (1, rows)), matrix),
                                   _vec(v, (cols, 1))), ())
        if self.factor is not None:
            sigma = E.div(sigma, float(self.factor))
        normalized = E.div(W, sigma)
        if self.use_gamma:
            normalized = E.mul(A.reshape(link.gamma, shape=(1,) * W.ndim), normalized)
        self.v = v
        if config.train:
            state.update_state(u_array, u)
        return normalized
