from chainfuse import functions as F
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links.link import Link
from chainfuse.links.rnn.n_step_rnn import argsort_list_descent, permutate_list


class CRF1d(Link):
    """``CRF1d(n_label, initial_cost=None)``: the transition scores ``cost`` (n_label,
    n_label), initially 0.  ``link(xs, ys, reduce='mean', transpose=False)`` is
    ``F.crf1d`` (``transpose=True``: xs and ys are lists of sequences in any order, not
    time-major); ``argmax(xs, transpose=False)`` the Viterbi paths."""

    def __init__(self, n_label, initial_cost=None):
        super().__init__()
        if initial_cost is None:
            initial_cost = initializers.Zero()
        with self.init_scope():
            self.cost = Parameter(initializers._get_initializer(initial_cost),
                                  (n_label, n_label))

    def forward(self, xs, ys, reduce='mean', transpose=False):
        if transpose:
            indices = argsort_list_descent(xs)
            xs = F.transpose_sequence(permutate_list(xs, indices, inv=False))
            ys = F.transpose_sequence(permutate_list(ys, indices, inv=False))
        return F.crf1d(self.cost, xs, ys, reduce)

    def argmax(self, xs, transpose=False):
        if not transpose:
            return F.argmax_crf1d(self.cost, xs)
        indices = argsort_list_descent(xs)
        trans_x = F.transpose_sequence(permutate_list(xs, indices, inv=False))
        score, path = F.argmax_crf1d(self.cost, trans_x)
        path = [p.array for p in F.transpose_sequence(path)]
        return score, permutate_list(path, indices, inv=True)
