"""Binary hierarchical softmax (Morin and Bengio; Chainer's BinaryHierarchicalSoftmax).

A word's probability is the product of the sigmoid decisions along its path in a binary
tree: ``loss = sum_j softplus(-code_j * (W[node_j] . x))`` over the path's inner nodes
``node_j`` with codes +1 (left) or -1 (right), summed over the batch.  The paths are
padded to one length (code 0 and a mask for the padding), so a batch is two takes, a
batched product and an elementwise tail.
"""
import heapq

import numpy

from chainfuse import initializers
from chainfuse.config import config
from chainfuse.core.variable import Parameter
from chainfuse.functions.activation.softplus import softplus
from chainfuse.links.link import Link
from chainfuse.ops import array as A
from chainfuse.ops import elementwise as E
from chainfuse.ops import linalg
from chainfuse.ops import reduction as R


class TreeParser:
    """Numbers the inner nodes of a tree of 2-tuples (depth first) and records each
    leaf's path of inner nodes and its codes (+1: went left, -1: went right)."""

    def __init__(self, dtype):
        self.dtype = dtype
        self.next_id = 0

    def size(self):
        return self.next_id

    def parse(self, tree):
        self.next_id = 0
        self.path, self.code, self.paths, self.codes = [], [], {}, {}
        self._parse(tree)

    def _parse(self, node):
        if isinstance(node, tuple):
            if len(node) != 2:
                raise ValueError('BinaryHierarchicalSoftmax: every inner node of the tree '
                                 f'must have two children, got {len(node)}')
            left, right = node
            self.path.append(self.next_id)
            self.next_id += 1
            self.code.append(1.0)
            self._parse(left)
            self.code[-1] = -1.0
            self._parse(right)
            self.path.pop()
            self.code.pop()
        else:
            self.paths[node] = numpy.array(self.path, dtype=numpy.int32)
            self.codes[node] = numpy.array(self.code, dtype=self.dtype)


class BinaryHierarchicalSoftmax(Link):
    """``BinaryHierarchicalSoftmax(in_size, tree, dtype=None)``: W (inner nodes,
    in_size) drawn from Uniform(1); ``link(x, t)`` is the summed loss of the words t."""

    def __init__(self, in_size, tree, dtype=None):
        super().__init__()
        dtype = numpy.dtype(config.dtype if dtype is None else dtype)
        parser = TreeParser(dtype)
        parser.parse(tree)
        n_vocab = max(parser.paths) + 1
        longest = max(len(p) for p in parser.paths.values())
        self._paths = numpy.zeros((n_vocab, longest), numpy.int32)
        self._codes = numpy.zeros((n_vocab, longest), dtype)
        for word, path in parser.paths.items():
            self._paths[word, :len(path)] = path
            self._codes[word, :len(path)] = parser.codes[word]
        with self.init_scope():
            self.W = Parameter(initializers.Uniform(1), (parser.size(), in_size))

    @staticmethod
    def create_huffman_tree(word_counts):
        """A Huffman tree (nested 2-tuples) of a {word: count} dict, as Chainer builds it."""
        if not word_counts:
            raise ValueError('create_huffman_tree: empty vocabulary')
        heap = [(c, uid, w) for uid, (w, c) in enumerate(word_counts.items())]
        heapq.heapify(heap)
        while len(heap) >= 2:
            c1, id1, w1 = heapq.heappop(heap)
            c2, id2, w2 = heapq.heappop(heap)
            heapq.heappush(heap, (c1 + c2, min(id1, id2), (w1, w2)))
        return heap[0][2]

    def forward(self, x, t):
        xp = self.xp
        n, d = x.shape
        nodes = A.take(xp.asarray(self._paths), t, axis=0)            # (N, P)
        codes = A.take(xp.asarray(self._codes.astype(x.dtype)), t, axis=0)
        w = A.take(self.W, nodes, axis=0)                                # (N, P, D)
        wx = A.reshape(linalg.matmul(w, A.reshape(x, shape=(n, d, 1))),
                       shape=tuple(nodes.shape))
        mask = E.astype(E.not_equal(codes, 0.0), dtype=x.dtype)
        return R.sum(E.mul(softplus(E.neg(E.mul(wx, codes))), mask))
