import copy
import pickle
import warnings

import numpy
import pytest

import chainfuse
from chainfuse import backend
from chainfuse import initializers
from chainfuse.core.variable import Parameter
from chainfuse.links import Chain, ChainList, Link
from chainfuse.links.link import DeviceMismatchError, check_device_match
from chainfuse.ops import linalg


class Affine(Link):
    """A Link written with registry ops only (no F.* needed)."""

    def __init__(self, n_in, n_out):
        super().__init__()
        with self.init_scope():
            self.W = Parameter(initializers.Normal(1.0), (n_out, n_in))
            self.b = Parameter(0, (n_out,))
        self.add_persistent('calls', 0)
        self.add_persistent('stat', numpy.zeros(n_out, numpy.float32))

    def forward(self, x):
        self.calls += 1
        return linalg.matmul(x, self.W, transb=True) + self.b


class Net(Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = Affine(4, 3)
            self.l2 = Affine(3, 2)
            self.block = ChainList(Affine(2, 2), Affine(2, 1))

    def forward(self, x):
        h = self.l2(self.l1(x))
        return self.block[1](self.block[0](h))


def x_batch():
    return numpy.random.default_rng(0).standard_normal((5, 4)).astype(numpy.float32)


# ---- registration ----
def test_init_scope_registers_parameters_only_inside():
    link = Link()
    with link.init_scope():
        link.W = Parameter(0, (2,))
    link.V = Parameter(0, (2,))
    assert [n for n, _ in link.namedparams()] == ['/W']
    assert link.W.name == 'W'


def test_init_scope_before_super_init_is_a_clear_error():
    class Bad(Link):
        def __init__(self):
            with self.init_scope():
                pass

    with pytest.raises(RuntimeError, match=r'call super\(\).__init__\(\)'):
        Bad()


def test_add_param_and_persistent():
    link = Link()
    link.add_param('W', (2, 3))
    link.add_param('u')
    assert link.W.shape == (2, 3) and numpy.isnan(link.W.array).all()
    assert not link.u.is_initialized
    link.add_persistent('count', 3)
    assert link.count == 3 and '/count' in dict(link.namedpersistents())
    with pytest.raises(AttributeError, match='attribute exists'):
        link.add_param('W', (1,))
    with pytest.raises(AttributeError, match='attribute exists'):
        link.add_persistent('count', 1)
    link.other = 5
    link.register_persistent('other')
    assert 'other' in link._persistent
    with pytest.raises(AttributeError, match='non-existent'):
        link.register_persistent('missing')


def test_old_style_link_params():
    link = Link(W=(2, 3), b=((3,), numpy.float64))
    assert link.W.shape == (2, 3) and link.b.dtype == numpy.float64


def test_delattr_unregisters():
    link = Affine(2, 2)
    del link.b
    assert [n for n, _ in link.namedparams()] == ['/W']


def test_chain_registration_rules():
    net = Net()
    assert net.l1.name == 'l1' and net['l2'] is net.l2
    with pytest.raises(AttributeError, match='attribute exists'):
        with net.init_scope():
            net.l1 = Affine(1, 1)
    outside = Affine(1, 1)
    net.helper = outside  # outside init_scope: a plain attribute
    assert outside not in list(net.children())
    del net.l2
    assert [c.name for c in net.children()] == ['block', 'l1']


def test_old_style_chain_kwargs():
    chain = Chain(a=Affine(2, 2), b=Affine(2, 1))
    assert [n for n, _ in chain.namedparams()] == ['/a/W', '/a/b', '/b/W', '/b/b']
    with pytest.raises(TypeError, match='non-link'):
        Chain(a=3)


# ---- walking the hierarchy ----
def test_namedparams_paths_are_sorted_and_nested():
    net = Net()
    names = [n for n, _ in net.namedparams()]
    assert names == ['/block/0/W', '/block/0/b', '/block/1/W', '/block/1/b',
                     '/l1/W', '/l1/b', '/l2/W', '/l2/b']
    assert len(list(net.params())) == 8
    assert [n for n, _ in net.namedlinks()] == ['/', '/block', '/block/0', '/block/1',
                                                '/l1', '/l2']
    assert len(list(net.links(skipself=True))) == 5
    assert [c.name for c in net.children()] == ['block', 'l1', 'l2']


def test_include_uninit():
    link = Link()
    link.add_param('W')
    link.add_param('b', (2,))
    assert [n for n, _ in link.namedparams(include_uninit=False)] == ['/b']
    assert len(list(link.params(include_uninit=False))) == 1


def test_namedpersistents():
    net = Net()
    assert '/l1/stat' in dict(net.namedpersistents())
    assert '/block/1/calls' in dict(net.namedpersistents())


# ---- calling ----
def test_call_dispatches_to_forward():
    net = Net()
    y = net(x_batch())
    assert y.shape == (5, 1) and net.l1.calls == 1


def test_link_without_forward():
    with pytest.raises(NotImplementedError, match='Link defines neither forward'):
        Link()(1)


# ---- gradients ----
def test_cleargrads_and_zerograds():
    net = Net()
    chainfuse.functions.sum(net(x_batch())).backward()
    assert all(p.grad is not None for p in net.params())
    net.cleargrads()
    assert all(p.grad is None for p in net.params())
    net.zerograds()
    assert all((p.grad == 0).all() for p in net.params())


def test_copyparams_copies_values_and_persistents():
    a, b = Net(), Net()
    a.l1.stat[:] = 7
    a.l1.calls = 4
    stat = b.l1.stat
    b.copyparams(a)
    for (_, pa), (_, pb) in zip(a.namedparams(), b.namedparams()):
        numpy.testing.assert_array_equal(pa.array, pb.array)
        assert pa.array is not pb.array
    assert b.l1.stat is stat and (stat == 7).all() and b.l1.calls == 4
    b.copyparams(Net(), copy_persistent=False)
    assert (stat == 7).all()


def test_addgrads():
    a, b = Net(), Net()
    for p in a.params():
        p.grad = numpy.ones_like(p.array)
    for p in b.params():
        p.grad = numpy.full_like(p.array, 2)
    b.addgrads(a)
    assert all((p.grad == 3).all() for p in b.params())


def test_count_params():
    net = Net()
    assert net.count_params() == (12 + 3) + (6 + 2) + (4 + 2) + (2 + 1)
    link = Link()
    link.add_param('W')
    with pytest.warns(UserWarning, match="'/W' has not been initialized"):
        assert link.count_params() == 0


# ---- copies ----
def test_copy_share():
    net = Net()
    for p in net.params():
        p.grad = numpy.ones_like(p.array)
    c = net.copy('share')
    assert c.name is None and c.l1 is not net.l1 and c.block[0] is not net.block[0]
    assert c.l1.W is not net.l1.W and c.l1.W.array is net.l1.W.array
    assert all(p.grad is None for p in c.params())
    assert all(p.grad is not None for p in net.params())
    net.l1.W.array[...] = 5
    assert (c.l1.W.array == 5).all()
    assert [n for n, _ in c.namedparams()] == [n for n, _ in net.namedparams()]


def test_copy_copy():
    net = Net()
    c = net.copy('copy')
    numpy.testing.assert_array_equal(c.l1.W.array, net.l1.W.array)
    c.l1.W.array[...] = 5
    assert not (net.l1.W.array == 5).any()
    c.l1.stat[...] = 1
    assert (net.l1.stat == 0).all()


def test_copy_init_redraws():
    net = Net()
    c = net.copy('init')
    assert not numpy.array_equal(c.l1.W.array, net.l1.W.array)
    numpy.testing.assert_array_equal(c.l1.b.array, net.l1.b.array)  # Constant(0)


def test_copy_keeps_uninitialized_parameters_lazy():
    link = Link()
    with link.init_scope():
        link.W = Parameter(initializers.One())
    c = link.copy('copy')
    assert not c.W.is_initialized
    c.W.initialize((2,))
    assert (c.W.array == 1).all()


def test_copy_bad_mode():
    with pytest.raises(ValueError, match="'init', 'copy', or 'share'"):
        Net().copy('deep')


def test_repeat():
    block = Affine(3, 3)
    seq = block.repeat(3)
    assert len(seq) == 3 and [n for n, _ in seq.namedparams()][:2] == ['/0/W', '/0/b']
    assert not numpy.array_equal(seq[0].W.array, seq[1].W.array)
    shared = block.repeat(2, mode='share')
    assert shared[0].W.array is shared[1].W.array is block.W.array
    copied = block.repeat(2, mode='copy')
    numpy.testing.assert_array_equal(copied[0].W.array, copied[1].W.array)
    assert copied[0].W.array is not copied[1].W.array
    assert len(block.repeat(0)) == 0
    y = seq(numpy.ones((2, 3), numpy.float32))
    assert y.shape == (2, 3)


# ---- serialization protocol ----
class DictSaver:
    def __init__(self, target=None, prefix=''):
        self.target = {} if target is None else target
        self.prefix = prefix

    def __getitem__(self, key):
        return DictSaver(self.target, self.prefix + key + '/')

    def __call__(self, key, value):
        self.target[self.prefix + key] = None if value is None else numpy.array(value)
        return value


class DictLoader:
    """Loads like Chainer's NpzDeserializer: arrays copied in place, scalars returned."""

    def __init__(self, source, prefix=''):
        self.source = source
        self.prefix = prefix

    def __getitem__(self, key):
        return DictLoader(self.source, self.prefix + key + '/')

    def __call__(self, key, value):
        data = self.source[self.prefix + key]
        if value is None:
            return data
        if isinstance(value, numpy.ndarray):
            numpy.copyto(value, data)
            return value
        return type(value)(data)


def test_serialize_roundtrip():
    src = Net()
    src.l1.stat[...] = 3
    src.block[1].calls = 9
    saved = DictSaver()
    src.serialize(saved)
    assert '/l1/W'[1:] in saved.target and 'block/1/calls' in saved.target
    dst = Net()
    stat = dst.l1.stat
    dst.serialize(DictLoader(saved.target))
    for (_, a), (_, b) in zip(src.namedparams(), dst.namedparams()):
        numpy.testing.assert_array_equal(a.array, b.array)
    assert dst.l1.stat is stat and (stat == 3).all()
    assert dst.block[1].calls == 9


def test_serialize_initializes_lazy_parameters():
    src = Link()
    src.add_param('W', (2, 3))
    src.W.array[...] = 4
    saved = DictSaver()
    src.serialize(saved)
    dst = Link()
    dst.add_param('W')
    dst.serialize(DictLoader(saved.target))
    assert dst.W.shape == (2, 3) and (dst.W.array == 4).all()


def test_serialize_copies_a_fresh_array_into_the_persistent():
    link = Affine(2, 2)
    stat = link.stat

    def loader(key, value):
        return numpy.full(2, 6, numpy.float32) if key == 'stat' else value

    link.serialize(loader)
    assert link.stat is stat and (stat == 6).all()


def test_serialize_shape_mismatch_names_the_parameter():
    link = Affine(2, 2)
    with pytest.raises(ValueError, match='W has shape'):
        link.serialize(lambda k, v: numpy.zeros((5, 5)) if k == 'W' else v)


# ---- devices ----
def test_cpu_device_and_xp():
    net = Net()
    assert net.device == backend.CPU and net.xp is numpy
    assert net.to_cpu() is net and net.to_device('@numpy') is net
    assert net.l1.device == backend.CPU and isinstance(net.l1.stat, numpy.ndarray)


@pytest.mark.skipif(backend.cuda_available(), reason='checks the no-GPU error')
def test_to_gpu_without_gpu_is_a_clear_error():
    with pytest.raises(backend.DeviceUnavailableError, match='GPU'):
        Net().to_gpu()


class FakeGpu(backend.Device):
    name = '@cupy:0'


def test_device_mismatch_names_both_devices():
    check_device_match('Linear', backend.CPU, backend.CPU)
    with pytest.raises(DeviceMismatchError) as e:
        check_device_match('Linear', backend.CPU, FakeGpu())
    msg = str(e.value)
    assert 'Linear' in msg and '@numpy' in msg and '@cupy:0' in msg
    assert 'to_device' in msg


def test_link_checks_its_input_device():
    link = Affine(2, 2)
    link.__dict__['_device'] = FakeGpu()  # pretend the parameters were moved
    with pytest.raises(DeviceMismatchError, match='@numpy.*@cupy:0'):
        link._check_input_device(numpy.zeros((1, 2), numpy.float32))


@pytest.mark.gpu
@pytest.mark.skipif(not backend.cuda_available(), reason='needs a GPU')
def test_to_gpu_moves_everything():  # pragma: no cover - GPU only
    net = Net()
    chainfuse.functions.sum(net(x_batch())).backward()
    net.to_gpu()
    cupy = backend.cupy
    assert net.xp is cupy and net.block[0].xp is cupy
    for p in net.params():
        assert isinstance(p.array, cupy.ndarray) and isinstance(p.grad, cupy.ndarray)
    assert isinstance(net.l1.stat, cupy.ndarray)
    y = net(cupy.asarray(x_batch()))
    assert isinstance(y.array, cupy.ndarray)
    with pytest.raises(DeviceMismatchError):
        net.l1._check_input_device(x_batch())
    net.to_cpu()
    assert all(isinstance(p.array, numpy.ndarray) for p in net.params())


# ---- update switches ----
class Rule:
    enabled = True


def test_enable_disable_update():
    net = Net()
    for p in net.params():
        p.update_rule = Rule()
    assert net.update_enabled
    net.l1.disable_update()
    assert not any(p.update_rule.enabled for p in net.l1.params())
    assert net.l2.W.update_rule.enabled
    net.disable_update()
    assert not net.update_enabled
    net.enable_update()
    assert all(p.update_rule.enabled for p in net.params())


# ---- ChainList ----
def test_chainlist_list_behaviour():
    cl = ChainList(Affine(2, 2))
    cl.append(Affine(2, 3))
    cl.add_link(Affine(3, 1))
    assert len(cl) == 3 and [c.name for c in cl] == ['0', '1', '2']
    cl.insert(0, Affine(2, 2))
    assert [c.name for c in cl] == ['0', '1', '2', '3']
    popped = cl.pop(0)
    assert isinstance(popped, Affine) and len(cl) == 3
    del cl[0]
    assert [n for n, _ in cl.namedparams()] == ['/0/W', '/0/b', '/1/W', '/1/b']
    with pytest.raises(TypeError, match='init_scope'):
        with cl.init_scope():
            cl.x = Affine(1, 1)
    with pytest.raises(TypeError, match='Links only'):
        cl.append(3)


def test_chainlist_copyparams_and_copy():
    a, b = ChainList(Affine(2, 2), Affine(2, 1)), ChainList(Affine(2, 2), Affine(2, 1))
    b.copyparams(a)
    numpy.testing.assert_array_equal(a[1].W.array, b[1].W.array)
    c = a.copy('share')
    assert c[0] is not a[0] and c[0].W.array is a[0].W.array


# ---- pickling, printing ----
def test_pickle_and_deepcopy_roundtrip():
    net = Net()
    for other in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net)):
        assert [n for n, _ in other.namedparams()] == [n for n, _ in net.namedparams()]
        numpy.testing.assert_array_equal(other.l1.W.array, net.l1.W.array)
        assert other(x_batch()).shape == (5, 1)


def test_str():
    text = str(Net())
    assert text.startswith('Net(') and '(l1): Affine()' in text and '(0): Affine()' in text


def test_no_warnings_on_construction():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        Net()
