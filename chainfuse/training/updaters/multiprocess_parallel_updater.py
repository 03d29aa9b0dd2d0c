"""MultiprocessParallelUpdater: Chainer's one-process-per-GPU updater over NCCL."""


class MultiprocessParallelUpdater:
    """Chainer's NCCL updater, which chainfuse does not implement: `available()` is
    False (as in Chainer without NCCL) and creating one raises, pointing to
    `chainfuse.distributed` (ChainerMN's API: one process per GPU over NCCL or MPI),
    which covers the same multi-GPU training."""

    def __init__(self, iterators, optimizer, converter=None, devices=None,
                 auto_new_epoch=True):
        raise RuntimeError(
            'MultiprocessParallelUpdater is not available in chainfuse. For multi-GPU '
            'training use chainfuse.distributed (create_communicator, '
            'create_multi_node_optimizer, scatter_dataset: ChainerMN\'s API), or '
            'ParallelUpdater for several devices of one process.')

    @staticmethod
    def available():
        return False
