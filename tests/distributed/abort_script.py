"""Run by test_abort.py: rank 1 raises while rank 0 waits in a collective; the except
hook installed by create_communicator must abort the job (instead of a hang)."""
import chainfuse.mn as chainermn

comm = chainermn.create_communicator('flat')
comm.barrier()
if comm.rank == 1:
    raise ValueError('rank 1 failed on purpose')
comm.bcast_obj(None, root=1)   # never completes: rank 1 is gone
print('rank 0 passed a collective rank 1 never joined')
