"""A reader of the numeric arrays in MATLAB level-5 .mat files (what SVHN ships).

So `get_svhn` needs no SciPy.  The layout (MATLAB's "MAT-File Format", level 5):

- a 128-byte header: descriptive text, a subsystem offset, the version 0x0100 and
  the endian indicator ``MI`` as written by the machine (``IM``: little-endian);
- then one *data element* per variable.  An element is a tag (uint32 type, uint32
  byte count) and its data, padded to 8 bytes; a tag whose upper two bytes are not
  zero is the *small* form (count in the upper half, type in the lower, up to four
  bytes of data in the tag's second word).  A variable is an ``miMATRIX`` element,
  possibly wrapped in an ``miCOMPRESSED`` one (zlib);
- an ``miMATRIX`` holds sub-elements: array flags (class in the low byte, 0x800 for
  complex), dimensions (int32), the name (int8 text), the real part and, when
  complex, the imaginary part.  The parts may be stored in a narrower type than
  the class (a double array of small integers stored as uint8) and are in column
  (Fortran) order.

Numeric classes are read; cell arrays, structs, objects, character and sparse arrays
are skipped (`load_mat` lists them when a requested name is one of them).
"""
import struct
import zlib

import numpy

_MI_INT8, _MI_MATRIX, _MI_COMPRESSED = 1, 14, 15
_MI_TYPES = {1: 'i1', 2: 'u1', 3: 'i2', 4: 'u2', 5: 'i4', 6: 'u4', 7: 'f4', 9: 'f8',
             12: 'i8', 13: 'u8'}
_MX_CLASSES = {6: 'f8', 7: 'f4', 8: 'i1', 9: 'u1', 10: 'i2', 11: 'u2', 12: 'i4', 13: 'u4',
               14: 'i8', 15: 'u8'}
_MX_NAMES = {1: 'cell array', 2: 'struct', 3: 'object', 4: 'character array',
             5: 'sparse array'}


class MatFormatError(ValueError):
    """The file is not a MATLAB level-5 .mat file, or is damaged."""


def load_mat(path, names=None):
    """``{name: array}`` of the numeric variables of the .mat file `path`.

    With `names`, only those variables are returned, and one that is missing or not
    numeric is a `MatFormatError` saying which.
    """
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 128:
        raise MatFormatError(f'{path}: {len(data)} bytes are too few for a .mat header')
    order = {b'IM': '<', b'MI': '>'}.get(data[126:128])
    if order is None or data[:4] == b'\x89HDF':
        raise MatFormatError(f'{path}: not a MATLAB level-5 .mat file (a version 7.3 file '
                             'is HDF5: read it with h5py)')
    found, skipped, pos = {}, {}, 128
    while pos + 8 <= len(data):
        mtype, nbytes, start = _tag(data, pos, order, path)
        end = start + nbytes
        if end > len(data):
            raise MatFormatError(f'{path}: an element of {nbytes} bytes at offset {pos} runs '
                                 'past the end of the file (truncated?)')
        body = data[start:end]
        if mtype == _MI_COMPRESSED:
            try:
                body = zlib.decompress(body)
            except zlib.error as e:
                raise MatFormatError(f'{path}: a compressed variable at offset {pos} cannot '
                                     f'be decompressed ({e})') from None
            mtype, inner, istart = _tag(body, 0, order, path)
            body = body[istart:istart + inner]
        else:
            end = start + _padded(nbytes)
        if mtype == _MI_MATRIX:
            name, value = _matrix(body, order, path)
            if isinstance(value, str):
                skipped[name] = value
            elif names is None or name in names:
                found[name] = value
        pos = end
    for name in names or ():
        if name not in found:
            what = f'a {skipped[name]}' if name in skipped else 'missing'
            raise MatFormatError(f'{path}: the variable {name!r} is {what}; expected a '
                                 f'numeric array (variables: {sorted(found) + sorted(skipped)})')
    return found


def _tag(data, pos, order, path):
    """(type, byte count, offset of the data) of the element at `pos`."""
    if pos + 8 > len(data):
        raise MatFormatError(f'{path}: truncated element tag at offset {pos}')
    first, second = struct.unpack_from(order + 'II', data, pos)
    if first >> 16:                       # the small form: data in the tag itself
        return first & 0xFFFF, first >> 16, pos + 4
    return first, second, pos + 8


def _padded(n):
    return (n + 7) // 8 * 8


def _elements(body, order, path):
    pos = 0
    while pos + 8 <= len(body):
        mtype, nbytes, start = _tag(body, pos, order, path)
        yield mtype, body[start:start + nbytes]
        pos = start + (4 if start - pos == 4 else _padded(nbytes))


def _matrix(body, order, path):
    """(name, array) of an miMATRIX, or (name, description) for a class not read."""
    parts = list(_elements(body, order, path))
    if len(parts) < 3:
        raise MatFormatError(f'{path}: a matrix element with {len(parts)} parts (flags, '
                             'dimensions and name are required)')
    flags = struct.unpack_from(order + 'I', parts[0][1])[0]
    mx_class, is_complex = flags & 0xFF, bool(flags & 0x800)
    dims = tuple(numpy.frombuffer(parts[1][1], order + 'i4'))
    name = parts[2][1].decode('latin-1')
    if mx_class not in _MX_CLASSES:
        return name, _MX_NAMES.get(mx_class, f'class {mx_class}')
    if len(parts) < 4 + is_complex:
        raise MatFormatError(f'{path}: the variable {name!r} has no data part')
    value = _numeric(parts[3], order, dims, name, path)
    if is_complex:
        value = value + 1j * _numeric(parts[4], order, dims, name, path)
    return name, value.astype(_MX_CLASSES[mx_class] if not is_complex else value.dtype)


def _numeric(part, order, dims, name, path):
    mtype, raw = part
    if mtype not in _MI_TYPES:
        raise MatFormatError(f'{path}: the variable {name!r} is stored as type {mtype}, '
                             'which is not a numeric MAT type')
    dtype = numpy.dtype(order + _MI_TYPES[mtype])
    count = int(numpy.prod(dims, dtype=numpy.int64))
    if len(raw) != count * dtype.itemsize:
        raise MatFormatError(f'{path}: the variable {name!r} of shape {dims} needs '
                             f'{count * dtype.itemsize} bytes of {dtype}, found {len(raw)}')
    return numpy.frombuffer(raw, dtype).reshape(dims, order='F').astype(dtype.newbyteorder('='))
