"""ImageNet models with Chainer's architectures and parameter names."""
from chainfuse.links.model.vision.googlenet import GoogLeNet  # noqa: F401
from chainfuse.links.model.vision.resnet import (  # noqa: F401
    ResNet101Layers, ResNet152Layers, ResNet50Layers, ResNetLayers)
from chainfuse.links.model.vision.vgg import VGG16Layers, VGG19Layers, VGGLayers  # noqa: F401
