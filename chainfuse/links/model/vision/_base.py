"""What the ImageNet models (VGG, ResNet, GoogLeNet) share: the layer-by-layer forward
that returns the requested activations, `extract` and `predict` on images, the image
preparation and the pretrained-weights argument.

``pretrained_model``: None (the default here) builds the architecture with random
weights (Chainer's initializers for that case); a path loads a Chainer npz file of the
model (``serializers.load_npz``), e.g. one written by Chainer's
``convert_caffemodel_to_npz``; ``'auto'`` (Chainer's default, which downloads and
converts the Caffe weights) is refused with a message saying how to get the file.
"""
import numpy

from chainfuse.config import config, no_backprop_mode, using_config
from chainfuse.core.variable import Variable
from chainfuse.functions.array.reshape import reshape
from chainfuse.functions.math.average import average
from chainfuse.links.link import Chain


def load_pretrained(link, pretrained_model, name):
    if not pretrained_model:
        return
    if pretrained_model == 'auto':
        raise ValueError(
            f"{name}(pretrained_model='auto'): chainfuse does not download or convert the "
            'Caffe weights (that needs the network and Caffe). Convert them once with '
            f"Chainer ({name}.convert_caffemodel_to_npz) or fetch a Chainer .npz of the "
            'model, and pass its path as pretrained_model; None builds the model with '
            'random weights')
    from chainfuse.serializers import load_npz
    load_npz(pretrained_model, link)


def prepare_image(image, size, mean):
    """An image (PIL, or a uint8-like HWC/CHW array) as a CHW float array of
    ``config.dtype``: resized with PIL to `size`, RGB to BGR, minus the channel `mean`."""
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - Pillow comes with matplotlib
        raise ImportError(f'preparing images needs Pillow (pip install Pillow): {e}') from e
    dtype = numpy.dtype(config.dtype)
    if isinstance(image, numpy.ndarray):
        if image.ndim == 3:
            if image.shape[0] == 1:
                image = image[0, :, :]
            elif image.shape[0] == 3:
                image = image.transpose((1, 2, 0))
        image = Image.fromarray(image.astype(numpy.uint8))
    image = image.convert('RGB')
    if size:
        image = image.resize(size)
    image = numpy.asarray(image, dtype=dtype)[:, :, ::-1]
    image = image - numpy.array(mean, dtype=dtype)
    return image.transpose((2, 0, 1))


def oversample(images, crop_dims):
    """The four corner crops and the center crop of each image and their mirror images
    (10 per image), as Chainer's ``utils.imgproc.oversample``."""
    channels, src_h, src_w = images[0].shape
    cy, cx = src_h / 2.0, src_w / 2.0
    dst_h, dst_w = crop_dims
    starts = [(0, 0), (0, src_w - dst_w), (src_h - dst_h, 0), (src_h - dst_h, src_w - dst_w),
              (int(cy - dst_h / 2.0), int(cx - dst_w / 2.0))]
    crops = numpy.empty((10 * len(images), channels, dst_h, dst_w), dtype=images[0].dtype)
    ix = 0
    for img in images:
        for top, left in starts:
            crops[ix] = img[:, top:top + dst_h, left:left + dst_w]
            ix += 1
        crops[ix:ix + 5] = crops[ix - 5:ix, :, :, ::-1]
        ix += 5
    return crops


class ImageModel(Chain):
    """`functions` (an OrderedDict: layer name -> callables applied in turn) defines the
    model; ``link(x, layers=['prob'])`` returns {name: activation} for the layers asked."""

    mean = (0.0, 0.0, 0.0)
    default_extract_layers = ('pool5',)

    @property
    def functions(self):  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def available_layers(self):
        return list(self.functions.keys())

    def _run(self, x, layers, caches=None):
        unknown = set(layers) - set(self.functions)
        if unknown:
            raise ValueError(f'{type(self).__name__}: unknown layer(s) {sorted(unknown)}; '
                             f'available: {self.available_layers}')
        h = x
        activations = {}
        targets = set(layers)
        saved = {}
        for key, funcs in self.functions.items():
            if not targets:
                break
            if caches and key in caches:
                h = saved[caches[key]]
            for func in funcs:
                h = func(h)
            if key in targets:
                activations[key] = h
                targets.remove(key)
            saved[key] = h
        return activations

    def forward(self, x, layers=None, **kwargs):
        if kwargs:
            if 'test' in kwargs or 'train' in kwargs:
                raise ValueError(f"{type(self).__name__}: the 'test'/'train' argument is not "
                                 "supported; use chainfuse.using_config('train', ...)")
            raise TypeError(f'{type(self).__name__}() got unexpected keyword argument(s) '
                            f'{sorted(kwargs)}')
        return self._run(x, ['prob'] if layers is None else list(layers))

    def extract(self, images, layers=None, size=(224, 224), **kwargs):
        """Activations of `layers` for a list of images (PIL or arrays), prepared here."""
        if kwargs:
            raise ValueError(f'{type(self).__name__}.extract: unexpected argument(s) '
                             f'{sorted(kwargs)}; use chainfuse.using_config')
        layers = list(self.default_extract_layers) if layers is None else layers
        x = numpy.stack([prepare_image(img, size, self.mean) for img in images])
        return self(Variable(self.xp.asarray(x)), layers=layers)

    def predict(self, images, oversample_crops=True, **kwargs):
        """Class probabilities (N, 1000) of a list of images (256x256, center or
        10-crop averaged), in test mode without backprop."""
        oversample_crops = kwargs.pop('oversample', oversample_crops)
        x = numpy.stack([prepare_image(img, (256, 256), self.mean) for img in images])
        x = oversample(x, (224, 224)) if oversample_crops else x[:, :, 16:240, 16:240]
        with no_backprop_mode(), using_config('train', False):
            y = self(Variable(self.xp.asarray(x)), layers=['prob'])['prob']
            if oversample_crops:
                y = average(reshape(y, (len(y) // 10, 10) + tuple(y.shape[1:])), axis=1)
        return y
