import pickle

import pytest

from chainfuse.datasets import TextDataset


@pytest.fixture
def files(tmp_path):
    a, b = tmp_path / 'a.txt', tmp_path / 'b.txt'
    a.write_text('first\nsecond\n\nfourth\n', encoding='utf-8')
    b.write_text('1\n2\n3\n4\n', encoding='utf-8')
    return str(a), str(b)


def test_one_file_gives_lines_with_their_newline(files):
    dataset = TextDataset(files[0])
    assert len(dataset) == 4
    assert dataset[3] == 'fourth\n' and dataset[2] == '\n' and dataset[0] == 'first\n'
    with pytest.raises(IndexError, match='out of range'):
        dataset.get_example(4)
    dataset.close()


def test_several_files_give_tuples_and_filter(files):
    dataset = TextDataset(list(files), encoding=['utf-8', 'ascii'],
                          filter_func=lambda a, b: a.strip() != '')
    assert len(dataset) == 3
    assert dataset[2] == ('fourth\n', '4\n')
    copy = pickle.loads(pickle.dumps(dataset))       # a worker process reopens the files
    assert copy[1] == ('second\n', '2\n')


def test_mismatched_files_and_options(files, tmp_path):
    short = tmp_path / 'c.txt'
    short.write_text('x\n')
    with pytest.raises(ValueError, match='same number of lines'):
        TextDataset([files[0], str(short)])
    with pytest.raises(ValueError, match='encoding gives 3 values for 2 files'):
        TextDataset(list(files), encoding=['utf-8'] * 3)
    with pytest.raises(ValueError, match='at least one'):
        TextDataset([])
