"""Data-parallel training over MPI: ChainerMN's API (also importable as ``chainfuse.mn``).

A ChainerMN script ports by changing its import (``import chainfuse.mn as chainermn``)::

    comm = chainermn.create_communicator('flat')       # 'naive', 'flat', 'pure_nccl'
    optimizer = chainermn.create_multi_node_optimizer(chainer.optimizers.Adam(), comm)
    optimizer.setup(model)                              # parameters from rank 0
    train = chainermn.scatter_dataset(train, comm, shuffle=True)   # this rank's part
    evaluator = chainermn.create_multi_node_evaluator(extensions.Evaluator(...), comm)
    if comm.rank == 0:
        trainer.extend(extensions.LogReport())          # rank-0-only extensions

and runs with ``mpiexec -n 4 python train.py``.  Each update averages the gradients
over the ranks (`create_multi_node_optimizer`); compiled steps (``compile_step``,
``StandardUpdater(compile=True)``) do it as one op of the plan.  MPI comes from mpi4py,
imported on first use: ``pip install 'chainfuse[mpi]'``.
"""
from chainfuse.distributed import global_except_hook  # noqa: F401
from chainfuse.distributed._mpi import available  # noqa: F401
from chainfuse.distributed.communicators import create_communicator  # noqa: F401
from chainfuse.distributed import extensions  # noqa: F401
from chainfuse.distributed.extensions import create_multi_node_evaluator  # noqa: F401
from chainfuse.distributed.multi_node_optimizer import create_multi_node_optimizer  # noqa
from chainfuse.distributed.scatter_dataset import (  # noqa: F401
    get_n_iterations_for_one_epoch, scatter_dataset)
