"""Dataset building blocks (Chainer's ``chainer.dataset``): the `Iterator` and
`DatasetMixin` base classes, converters (`concat_examples`, `to_device`,
`converter`) and the download cache (`get_dataset_root` and friends)."""
from chainfuse.dataset import convert  # noqa: F401
from chainfuse.dataset import download  # noqa: F401
from chainfuse.dataset.convert import (  # noqa: F401
    Converter, concat_examples, converter, to_device)
from chainfuse.dataset.dataset_mixin import DatasetMixin  # noqa: F401
from chainfuse.dataset.download import (  # noqa: F401
    cache_or_load_file, cached_download, get_dataset_directory, get_dataset_root,
    set_dataset_root)
from chainfuse.dataset.iterator import Iterator  # noqa: F401

__all__ = [
    'Converter', 'concat_examples', 'converter', 'to_device', 'DatasetMixin', 'Iterator',
    'cache_or_load_file', 'cached_download', 'get_dataset_directory', 'get_dataset_root',
    'set_dataset_root',
]
