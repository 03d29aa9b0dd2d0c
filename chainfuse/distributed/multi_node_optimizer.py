"""`create_multi_node_optimizer(optimizer, comm)`: data-parallel updates.

Each rank computes gradients on its own part of the batch; before the update every
gradient is replaced by its mean over the ranks, so all ranks make the same update
and the parameters stay equal.  Follows ChainerMN:

- parameters are broadcast from rank 0 on `setup` (those already initialized) and at
  the first update after new ones appear (a lazily sized ``L.Linear(None, n)``); that
  update only broadcasts, it does not step (ChainerMN does the same);
- every other attribute reads and writes the wrapped optimizer (``lr``, ``t``,
  ``add_hook``, ``serialize``...).

Compiled: ``chainfuse.compile_step(mn_optimizer)`` and ``StandardUpdater(...,
compile=True)`` trace `_step` too; while tracing, the allreduce is recorded as one
``mn_allreduce_mean`` op between backward and the update rules (see `allreduce_op`),
so a compiled step is one plan with one collective per gradient bucket.
"""
from chainfuse.config import no_backprop_mode
from chainfuse.core import state as state_module
from chainfuse.distributed import allreduce_op, buckets
from chainfuse.optimizers import step_ops


class _MultiNodeOptimizer:

    def __init__(self, actual_optimizer, communicator, zero_fill=True):
        super().__setattr__('communicator', communicator)
        super().__setattr__('actual_optimizer', actual_optimizer)
        super().__setattr__('zero_fill', zero_fill)
        super().__setattr__('target_params', [])
        if actual_optimizer.target is not None:
            self._sync_new_params()

    def setup(self, link):
        self.actual_optimizer.setup(link)
        self._sync_new_params()
        return self

    def update(self, lossfun=None, *args, **kwds):
        """ChainerMN's order: forward, cleargrads, backward, mean of grads, update."""
        target = self.target
        if lossfun is not None:
            loss = lossfun(*args, **kwds)
            if getattr(self.actual_optimizer, '_use_cleargrads', True):
                target.cleargrads()
            else:
                target.zerograds()
            loss.backward(loss_scale=self.actual_optimizer._loss_scale)
            del loss
        self._step(list(target.params()))

    def _step(self, params):
        """The update after backward (what `compile_step` traces)."""
        if self._sync_new_params():
            return
        self.actual_optimizer.reallocate_cleared_grads(params)
        if step_ops.tracing():
            self._mean_grads_traced(params)
        else:
            self.communicator.allreduce_grad(self.target, self.zero_fill)
        self.actual_optimizer._step(params)

    def _sync_new_params(self):
        """Broadcasts from rank 0 when the set of initialized parameters changed."""
        names = sorted(n for n, p in self.target.namedparams() if p._data is not None)
        if names == self.target_params:
            return False
        self.communicator.bcast_data(self.target)
        super().__setattr__('target_params', names)
        return True

    def _mean_grads_traced(self, params):
        order = sorted(self.target.namedparams(), key=lambda item: item[0])
        grads = [p._grad_var for _, p in order if p._grad_var is not None]
        if not grads:
            return
        comm = self.communicator
        with no_backprop_mode():
            means = allreduce_op.op()(
                *grads, comm=allreduce_op.key_of(comm), bucket_bytes=comm.bucket_bytes)
        for g, m in zip(grads, means):
            state_module.update_state(g._data, m)

    def bytes_per_step(self):
        """Gradient bytes one rank allreduces in an update."""
        return buckets.nbytes([p._data for p in self.target.params() if p._data is not None])

    def __getattr__(self, name):
        return getattr(self.actual_optimizer, name)

    def __setattr__(self, name, value):
        setattr(self.actual_optimizer, name, value)


def create_multi_node_optimizer(actual_optimizer, communicator, double_buffering=False,
                                zero_fill=True):
    """Wraps `actual_optimizer` so that each update uses the mean gradient of all ranks."""
    if double_buffering:
        raise NotImplementedError('double_buffering (ChainerMN, pure_nccl only) is not '
                                  'supported; pass double_buffering=False')
    return _MultiNodeOptimizer(actual_optimizer, communicator, zero_fill)
