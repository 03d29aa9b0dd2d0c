"""``mn_allreduce_mean``: the gradient allreduce as one op of a compiled step's plan.

A compiled data-parallel step (``compile_step`` on a multi-node optimizer) traces::

    loss = lossfun(*args); loss.backward()          # grads g0 .. gN
    m0, ..., mN = mn_allreduce_mean(g0, ..., gN, comm=1, bucket_bytes=67108864)
    update rules on m0 .. mN                        # fused with the rest of the plan

The op's impl is `buckets.allreduce_mean`: pack each bucket (one copy), one
MPI_Allreduce per bucket, the outputs are views of the reduced buckets.  It is one
node with every gradient as input, so it runs after the whole backward and before the
first update, and the ranks' collectives come in the same order.  ``comm`` is a key
into `COMMUNICATORS` (an op's attrs are plain values).  The op is not differentiable
and has no kernel: the plan calls the impl.

It is registered when a multi-node step is first traced (`op()`), not on import: the
op tables (tests/ops) cover every op registered in a plain process, and this one only
runs between MPI ranks; tests/distributed checks it (eager == compiled == one process).
"""
import itertools

from chainfuse.distributed import buckets
from chainfuse.ops.registry import OTHER, REQUIRED, Aval, OpTypeError, defop, get_op

COMMUNICATORS = {}
_keys = itertools.count(1)
NAME = 'mn_allreduce_mean'


def key_of(comm):
    """The op attr naming `comm` (registered once)."""
    for key, c in COMMUNICATORS.items():
        if c is comm:
            return key
    key = next(_keys)
    COMMUNICATORS[key] = comm
    return key


def _infer(*grads, comm, bucket_bytes):
    if not grads:
        raise OpTypeError(NAME, 'needs at least one gradient')
    if comm not in COMMUNICATORS:
        raise OpTypeError(NAME, f'unknown communicator key {comm!r}')
    return tuple(Aval(g.shape, g.dtype) for g in grads)


def _impl(xp, *grads, comm, bucket_bytes):
    return tuple(buckets.allreduce_mean(COMMUNICATORS[comm], list(grads), bucket_bytes))


def op():
    """The registered op (defined on first use)."""
    try:
        return get_op(NAME)
    except KeyError:
        return defop(NAME, kind=OTHER, impl=_impl, infer=_infer, n_outputs=None,
                     differentiable=False, attrs=dict(comm=REQUIRED, bucket_bytes=None),
                     doc='mn_allreduce_mean(*grads, comm, bucket_bytes): the mean of each '
                         'array over the ranks of a communicator (packed into buckets).')
