from chainfuse.link_hooks.link_hook import LinkHook, standin


class WeightStandardization(LinkHook):
    """Weight standardization (Qiao et al.): during the forward, each output filter of W
    (``W[o]``) is shifted to zero mean and scaled to unit variance over its elements
    (``F.group_normalization`` with one group, as Chainer).  Traceable (ops only)."""

    name = 'WeightStandardization'
    traceable = True

    def __init__(self, *, eps=1e-5, weight_name='W', name=None):
        self.eps = eps
        self.weight_name = weight_name
        self._initialized = False
        if name is not None:
            self.name = name

    def __enter__(self):
        raise NotImplementedError('WeightStandardization is registered with link.add_hook')

    def __exit__(self, *_):
        raise NotImplementedError

    def added(self, link):
        if not hasattr(link, self.weight_name):
            raise ValueError(f'WeightStandardization: {type(link).__name__} has no weight '
                             f'{self.weight_name!r}')
        self._initialized = getattr(link, self.weight_name).is_initialized

    def forward_preprocess(self, cb_args):
        from chainfuse import functions as F
        link = cb_args.link
        weight = getattr(link, self.weight_name)
        if not self._initialized and not weight.is_initialized:
            if not cb_args.args:
                raise ValueError('WeightStandardization: the input is needed to initialize '
                                 'the weight')
            link._initialize_params(cb_args.args[0].shape[1])
        weight = getattr(link, self.weight_name)
        self._initialized = True
        xp = link.xp
        gamma = xp.ones((weight.shape[1],), dtype=weight.dtype)
        beta = xp.zeros((weight.shape[1],), dtype=weight.dtype)
        self.original_weight = weight
        link.__dict__[self.weight_name] = standin(F.group_normalization(
            weight, 1, gamma, beta, eps=self.eps))

    def forward_postprocess(self, cb_args):
        cb_args.link.__dict__[self.weight_name] = self.original_weight
