"""Recorder: how arrays met during a trace are bound to the link's persistents."""
import numpy

import chainfuse.links as L
from chainfuse.tracer.recorder import Recorder


def _counting_walks(rec):
    walks = []
    index = rec._index_link

    def counted():
        walks.append(1)
        index()
    rec._index_link = counted
    return walks


def test_a_persistent_stored_during_the_call_is_found_by_walking_the_link_again():
    bn = L.BatchNormalization(3)
    rec = Recorder('g', bn)
    walks = _counting_walks(rec)
    bn.avg_mean = numpy.ones(3, numpy.float32)      # stored after the recorder's walk
    v = rec.value_of_array(bn.avg_mean, 'x')
    assert walks == [1]
    assert v is not None and rec.graph.inputs[-1].kind == 'persistent' and \
        rec.graph.inputs[-1].name == '/avg_mean'


def test_an_unknown_array_walks_the_link_again_only_after_a_link_changed():
    bn = L.BatchNormalization(3)
    rec = Recorder('g', bn)
    walks = _counting_walks(rec)
    for _ in range(3):     # constants: nothing was stored on a Link since the walk
        assert rec.value_of_array(numpy.float32(2.0), 'c') is None
    assert walks == []
    bn.register_persistent('gamma')     # the set of persistents changed
    assert rec.value_of_array(numpy.float32(2.0), 'c') is None
    assert walks == [1]
