"""Writes MATLAB level-5 files from the format's description (for tests), including what
MATLAB itself does and SciPy does not: narrow storage types and small elements."""
import struct
import zlib

import numpy

MI = {'i1': 1, 'u1': 2, 'i2': 3, 'u2': 4, 'i4': 5, 'u4': 6, 'f4': 7, 'f8': 9, 'i8': 12,
      'u8': 13}
CLASS = {'f8': 6, 'f4': 7, 'i1': 8, 'u1': 9, 'i2': 10, 'u2': 11, 'i4': 12, 'u4': 13,
         'i8': 14, 'u8': 15}


def element(mtype, payload, small=True):
    if small and len(payload) <= 4:
        return struct.pack('<HH', mtype, len(payload)) + payload.ljust(4, b'\0')
    pad = (-len(payload)) % 8
    return struct.pack('<II', mtype, len(payload)) + payload + b'\0' * pad


def matrix(name, array, stored_as=None, mx_class=None, small=True):
    """An miMATRIX element; `stored_as` narrows the storage type (MATLAB does this)."""
    array = numpy.asarray(array)
    kind = array.dtype.str[1:]
    store = numpy.dtype('<' + (stored_as or kind))
    flags = struct.pack('<II', CLASS[mx_class or kind], 0)
    body = (element(6, flags, small) +
            element(5, numpy.asarray(array.shape, '<i4').tobytes(), small) +
            element(1, name.encode(), small) +
            element(MI[store.str[1:]], array.astype(store).tobytes(order='F'), small))
    return element(14, body, small=False)


def cell(name):
    flags = struct.pack('<II', 1, 0)
    body = element(6, flags) + element(5, numpy.asarray([1, 0], '<i4').tobytes()) + \
        element(1, name.encode())
    return element(14, body, small=False)


def mat_file(elements, compress=False):
    header = b'MATLAB 5.0 MAT-file, written by chainfuse tests'.ljust(116, b' ')
    header += b'\0' * 8 + struct.pack('<H', 0x0100) + b'IM'
    out = header
    for e in elements:
        out += struct.pack('<II', 15, len(z := zlib.compress(e))) + z if compress else e
    return out
