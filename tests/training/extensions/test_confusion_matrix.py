import io

import numpy
import pytest

from chainfuse import reporter, training
from chainfuse.iterators import SerialIterator
from chainfuse.link import Chain
from chainfuse.training import extensions

from .._helpers import CountingUpdater

# scores are the inputs themselves (predict_func is the identity): rows are examples
SCORES = numpy.array([[1, 0], [1, 0], [2, 1], [0, 1], [1, 0], [0, 3]], numpy.float32)
LABELS = numpy.array([0, 0, 0, 1, 1, 1], numpy.int32)
TABLE = '''ConfusionMatrix:
[[       3       0]   100.000% \t[class: cat]
 [       1       2]]  66.667% \t[class: dog]
 + average row correct: 83.333%
 + average rowUcol correct (VOC measure): 70.833%
 + global correct: 83.333%
'''


def make(out, **kwargs):
    it = SerialIterator(list(zip(SCORES, LABELS)), 4, repeat=False, shuffle=False)
    return extensions.ConfusionMatrix(it, Chain(), predict_func=lambda x: x, out=out,
                                      **kwargs)


def test_counts_table_and_observation():
    out = io.StringIO()
    cm = make(out, classes=['cat', 'dog'])
    obs = {}
    with reporter.Reporter().scope(obs):
        result = cm()
    assert cm.matrix.tolist() == [[3, 0], [1, 2]]
    assert out.getvalue() == TABLE
    assert result == obs
    key = 'validation/confusion'
    assert obs[f'{key}/count/1/0'] == 1 and obs[f'{key}/count/0/0'] == 3
    assert obs[f'{key}/class_accuracy/1'] == pytest.approx(2 / 3)
    assert obs[f'{key}/accuracy'] == pytest.approx(5 / 6)
    assert obs[f'{key}/average_union_correct'] == pytest.approx((3 / 4 + 2 / 3) / 2)


def test_saved_in_the_log_each_epoch(tmp_path):
    out = io.StringIO()
    trainer = training.Trainer(CountingUpdater(2), (2, 'epoch'), out=str(tmp_path))
    trainer.extend(make(out, key='val'))
    trainer.extend(extensions.LogReport())
    trainer.run()
    log = trainer.get_extension('LogReport').log
    assert [e['val/count/0/0'] for e in log] == [3, 3]
    assert log[1]['val/accuracy'] == pytest.approx(5 / 6)
    assert out.getvalue().count('ConfusionMatrix:') == 2
    assert '[class:' not in out.getvalue()  # no class names given


def test_ignored_labels_and_classes_count():
    it = SerialIterator([(SCORES[0], numpy.int32(-1)), (SCORES[1], numpy.int32(2))], 2,
                        repeat=False, shuffle=False)
    cm = extensions.ConfusionMatrix(it, Chain(), classes=3, predict_func=lambda x: x,
                                    print_table=False)
    cm()
    assert cm.matrix.tolist() == [[0, 0, 0], [0, 0, 0], [1, 0, 0]]
