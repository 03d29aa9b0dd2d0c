"""`create_multi_node_evaluator(evaluator, comm)`: every rank evaluates its own part of
the data; the result is the mean of the ranks' results, the same on every rank.

With parts of equal size (what `scatter_dataset` makes) and batches that divide them,
that is the single-process Evaluator's result on the whole data.
"""
import types


def _mean_over_ranks(comm, result):
    keys = sorted(result)
    root_keys = comm.bcast_obj(keys)
    if keys != root_keys:
        raise ValueError(f'multi-node evaluator: rank {comm.rank} reported {keys} but rank 0 '
                         f'reported {root_keys}; every rank must report the same values')
    return {k: comm.allreduce_obj(result[k]) / comm.size for k in keys}


def create_multi_node_evaluator(actual_evaluator, communicator):
    """Patches ``actual_evaluator.evaluate`` to average its result over the ranks."""
    original = actual_evaluator.evaluate

    def evaluate(self):
        return _mean_over_ranks(communicator, original())

    actual_evaluator._mn_original_evaluate = original
    actual_evaluator._mn_communicator = communicator
    actual_evaluator.evaluate = types.MethodType(evaluate, actual_evaluator)
    return actual_evaluator
