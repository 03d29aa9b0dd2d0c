"""The ImageNet models: Chainer's parameter names and shapes (recorded from Chainer 7.8.1
in tests/data/chainer7/vision_models.json, so Chainer's npz files load), the layer API,
and the pretrained_model argument.  Forward numbers are compared with Chainer in
tests/test_chainer7_parity.py (ResNet50Layers, GoogLeNet)."""
import json
import pathlib
from unittest import mock

import numpy
import pytest

import chainfuse
import chainfuse.links as L
from chainfuse import serializers
from chainfuse.links.model.vision import googlenet, resnet, vgg

DATA = pathlib.Path(__file__).parents[2] / 'data' / 'chainer7' / 'vision_models.json'
CHAINER = json.loads(DATA.read_text())
MODELS = ['VGG16Layers', 'VGG19Layers', 'ResNet50Layers', 'ResNet101Layers',
          'ResNet152Layers', 'GoogLeNet']


def _zero_built(name):
    """The model with zero weights (the 'pretrained' initializers) and nothing loaded:
    building VGG16 with its random initializer takes seconds."""
    with mock.patch.object(vgg, 'load_pretrained', lambda *a: None), \
            mock.patch.object(resnet, 'load_pretrained', lambda *a: None), \
            mock.patch.object(googlenet, 'load_pretrained', lambda *a: None):
        return getattr(L, name)(pretrained_model='weights.npz')


@pytest.mark.parametrize('name', MODELS)
def test_parameters_and_persistents_match_chainers(name):
    model = _zero_built(name)
    ours = {path: list(p.shape) for path, p in model.namedparams()}
    assert ours == CHAINER[name]
    assert sorted(path for path, _ in model.namedpersistents()) == \
        CHAINER[name + '/persistents']


def test_resnet_returns_the_layers_asked_for_and_rejects_unknown_ones():
    model = L.ResNet50Layers()
    assert model.available_layers == ['conv1', 'pool1', 'res2', 'res3', 'res4', 'res5',
                                      'pool5', 'fc6', 'prob']
    x = numpy.random.default_rng(0).uniform(-1, 1, (2, 3, 32, 32)).astype(numpy.float32)
    with chainfuse.using_config('train', False):
        out = model(x, layers=['pool5', 'prob'])
    assert set(out) == {'pool5', 'prob'} and out['pool5'].shape == (2, 2048)
    numpy.testing.assert_allclose(out['prob'].array.sum(axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="unknown layer"):
        model(x, layers=['fc7'])
    with pytest.raises(ValueError, match="'test'"):
        model(x, test=True)


def test_pretrained_model_loads_an_npz_and_auto_explains_itself(tmp_path):
    path = tmp_path / 'googlenet.npz'
    source = L.GoogLeNet()
    serializers.save_npz(path, source, compression=False)
    loaded = L.GoogLeNet(pretrained_model=str(path))
    numpy.testing.assert_array_equal(loaded.inc4c.conv3.W.array, source.inc4c.conv3.W.array)
    with pytest.raises(ValueError, match="does not download.*pass its path"):
        L.ResNet50Layers(pretrained_model='auto')


def test_extract_and_predict_prepare_images():
    pytest.importorskip('PIL', reason='preparing images needs Pillow')
    model = L.ResNet50Layers()
    image = numpy.random.default_rng(1).integers(0, 255, (40, 30, 3)).astype(numpy.uint8)
    with chainfuse.using_config('train', False):
        feats = model.extract([image], layers=['pool5'], size=(64, 64))
    assert feats['pool5'].shape == (1, 2048)
    probs = model.predict([image], oversample=False)
    assert probs.shape == (1, 1000)
    numpy.testing.assert_allclose(probs.array.sum(), 1.0, rtol=1e-5)
