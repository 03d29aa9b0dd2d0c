"""Walker's alias method: O(1) sampling from a fixed discrete distribution."""
import numpy

from chainfuse.device_resident import DeviceResident


class WalkerAlias(DeviceResident):
    """Samples indices ``0..n-1`` with probabilities proportional to `probs`.

    The table: each of the n slots holds a threshold and two indices; a draw picks a
    slot uniformly and one of its two indices by comparing the fraction of the draw
    with the threshold.  Built once in O(n); each sample costs O(1).  Draws come from
    the array module's global generator (``numpy.random``), as in Chainer.
    """

    def __init__(self, probs):
        prob = numpy.array(probs, numpy.float32)
        if prob.ndim != 1 or prob.size == 0 or (prob < 0).any() or prob.sum() <= 0:
            raise ValueError('WalkerAlias: probs must be a non-empty 1-d list of '
                             'non-negative numbers with a positive sum')
        prob /= prob.sum()
        n = len(prob)
        threshold = numpy.zeros(n, numpy.float32)
        values = numpy.zeros(n * 2, numpy.int32)
        filled, spilled = 0, 0
        for p, i in sorted(zip(prob, range(n))):
            p = float(p) * n            # in double, as Chainer computes it
            while p > 1 and spilled < filled:
                values[spilled * 2 + 1] = i
                p -= 1.0 - float(threshold[spilled])
                spilled += 1
            threshold[filled] = p
            values[filled * 2] = i
            filled += 1
        values[spilled * 2 + 1::2] = 0
        self.threshold = threshold
        self.values = values

    def device_resident_accept(self, visitor):
        self.threshold = visitor.visit_array(self.threshold)
        self.values = visitor.visit_array(self.values)

    @property
    def use_gpu(self):
        return self.device.xp is not numpy

    def sample(self, shape):
        """An int32 array of `shape` of indices drawn from the distribution."""
        xp = self.device.xp
        pb = xp.random.uniform(0, len(self.threshold), shape)
        index = pb.astype(numpy.int32)
        index[index >= len(self.threshold)] = 0
        dtype = self.threshold.dtype
        right = (self.threshold[index] < (pb.astype(dtype) - index.astype(dtype)))
        return self.values[index * 2 + right.astype(numpy.int32)]
