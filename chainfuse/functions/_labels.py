"""Chainer's node label for each public function, and the wrapping that records it.

`wrap_public(namespace)` (called at the end of ``chainfuse/functions/__init__.py``)
replaces every public function of the F namespace by `core.calls.user_function`'s
wrapper, labelled as Chainer labels the node that function creates (its FunctionNode
class: ``linear`` -> ``LinearFunction``), so `chainfuse.computational_graph` draws
Chainer's nodes.  A function missing from `LABELS` is labelled by its name in
CamelCase.  The wrapper replaces the function wherever it is public (F, its category
package, its module), so ``F.relu is chainfuse.functions.activation.relu``, and it is
picklable as ``chainfuse.functions.<name>``.
"""
from chainfuse.core.calls import user_function

LABELS = {
    'absolute': 'Absolute', 'absolute_error': 'AbsoluteError', 'accuracy': 'Accuracy',
    'argmax': 'ArgMax', 'argmin': 'ArgMin', 'average': 'Mean', 'mean': 'Mean',
    'average_pooling_2d': 'AveragePooling2D',
    'batch_l2_norm_squared': 'BatchL2NormSquared', 'batch_matmul': 'BatchMatMul',
    'batch_normalization': 'BatchNormalization', 'bernoulli_nll': 'BernoulliNLL',
    'binary_accuracy': 'BinaryAccuracy', 'clipped_relu': 'ClippedReLU',
    'convolution_2d': 'Convolution2DFunction', 'deconvolution_2d': 'Deconvolution2DFunction',
    'depth2space': 'Depth2Space', 'elu': 'ELU', 'embed_id': 'EmbedIDFunction',
    'expand_dims': 'ExpandDims', 'fixed_batch_normalization': 'FixedBatchNormalization',
    'flatten': 'Reshape', 'fliplr': 'FlipLR', 'flipud': 'FlipUD',
    'gaussian_kl_divergence': 'GaussianKLDivergence', 'gaussian_nll': 'GaussianNLL',
    'gelu': 'GELU', 'get_item': 'GetItem', 'hard_sigmoid': 'HardSigmoid',
    'huber_loss': 'HuberLoss', 'layer_normalization': 'LayerNormalization',
    'leaky_relu': 'LeakyReLU', 'linear': 'LinearFunction',
    'linear_interpolate': 'LinearInterpolate', 'log_softmax': 'LogSoftmax',
    'logsumexp': 'LogSumExp', 'matmul': 'MatMul', 'max_pooling_2d': 'MaxPoolingND',
    'mean_absolute_error': 'MeanAbsoluteError', 'mean_squared_error': 'MeanSquaredError',
    'normalize': 'NormalizeL2', 'pad_sequence': 'PadSequence', 'prelu': 'PReLUFunction',
    'relu': 'ReLU', 'relu6': 'ClippedReLU', 'select_item': 'SelectItem', 'selu': 'SELU',
    'sigmoid_cross_entropy': 'SigmoidCrossEntropy', 'silu': 'SiLU',
    'softmax_cross_entropy': 'SoftmaxCrossEntropy', 'space2depth': 'Space2Depth',
    'split_axis': 'SplitAxis', 'squared_difference': 'SquaredDifference',
    'squared_error': 'SquaredError', 'transpose_sequence': 'TransposeSequence',
    'unpooling_2d': 'Unpooling2D', 'lstm': 'LSTM', 'slstm': 'SLSTM', 'tree_lstm': 'TreeLSTM',
    'n_step_lstm': 'NStepLSTM', 'n_step_bilstm': 'NStepBiLSTM', 'n_step_gru': 'NStepGRU',
    'n_step_bigru': 'NStepBiGRU', 'n_step_rnn': 'NStepRNN', 'n_step_birnn': 'NStepBiRNN',
    'crelu': 'CReLU', 'rrelu': 'RReLU', 'gumbel_softmax': 'GumbelSoftmax',
    'simplified_dropconnect': 'SimplifiedDropconnect',
}


def label_of(name):
    """Chainer's label of the function `name` (CamelCase of the name when not listed)."""
    return LABELS.get(name) or ''.join(part[:1].upper() + part[1:]
                                       for part in name.split('_'))


def wrap_public(namespace):
    """Wraps the public functions of `namespace` (the F module's globals) in place; a
    function public under two names (``mean`` and ``average``) stays one object."""
    wrapped = {}
    for name, fn in sorted(namespace.items()):
        if name.startswith('_') or not callable(fn) or isinstance(fn, type) or \
                not getattr(fn, '__module__', '').startswith('chainfuse.functions') or \
                hasattr(fn, '__chainfuse_label__') or not hasattr(fn, '__code__'):
            continue
        if id(fn) not in wrapped:
            wrapper = user_function(fn, label_of(fn.__name__))
            wrapper.__module__, wrapper.__qualname__ = 'chainfuse.functions', name
            wrapped[id(fn)] = wrapper
        namespace[name] = wrapped[id(fn)]
    _replace_elsewhere(wrapped)


def _replace_elsewhere(wrapped):
    """The same wrapper wherever the function is public: its category package
    (``chainfuse.functions.activation.relu``) and its defining module.  Modules that
    imported it for their own use keep the plain function (no wrapper inside a call)."""
    import sys
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith('chainfuse.functions.'):
            continue
        public = set(getattr(module, '__all__', ()))
        for name, value in list(vars(module).items()):
            if id(value) in wrapped and (name in public or value.__module__ == module_name):
                setattr(module, name, wrapped[id(value)])
