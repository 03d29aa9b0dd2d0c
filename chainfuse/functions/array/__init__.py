from chainfuse.functions.array.broadcast import broadcast, broadcast_to
from chainfuse.functions.array.cast import cast
from chainfuse.functions.array.concat import concat
from chainfuse.functions.array.copy import copy
from chainfuse.functions.array.diagonal import diagonal
from chainfuse.functions.array.expand_dims import expand_dims
from chainfuse.functions.array.flatten import flatten
from chainfuse.functions.array.flip import flip, fliplr, flipud
from chainfuse.functions.array.get_item import get_item
from chainfuse.functions.array.im2col import im2col
from chainfuse.functions.array.pad import pad
from chainfuse.functions.array.pad_sequence import pad_sequence
from chainfuse.functions.array.permutate import permutate
from chainfuse.functions.array.reshape import reshape
from chainfuse.functions.array.resize_images import resize_images
from chainfuse.functions.array.scatter_add import scatter_add
from chainfuse.functions.array.resize_images import resize_images
from chainfuse.functions.array.scatter_add import scatter_add
from chainfuse.functions.array.select_item import select_item
from chainfuse.functions.array.separate import separate
from chainfuse.functions.array.space2depth import depth2space, space2depth
from chainfuse.functions.array.spatial_transformer import (
    spatial_transformer_grid, spatial_transformer_sampler)
from chainfuse.functions.array.split_axis import split_axis
from chainfuse.functions.array.squeeze import squeeze
from chainfuse.functions.array.stack import dstack, hstack, stack, vstack
from chainfuse.functions.array.tile import repeat, tile
from chainfuse.functions.array.transpose import moveaxis, rollaxis, swapaxes, transpose
from chainfuse.functions.array.transpose_sequence import transpose_sequence
from chainfuse.functions.array.where import where

__all__ = [
    'broadcast', 'broadcast_to', 'cast', 'concat', 'copy', 'depth2space', 'diagonal', 'dstack',
    'expand_dims', 'flatten', 'flip', 'fliplr', 'flipud', 'get_item', 'hstack', 'im2col',
    'moveaxis', 'pad', 'pad_sequence', 'permutate', 'repeat', 'reshape', 'resize_images',
    'rollaxis', 'scatter_add', 'select_item', 'separate', 'space2depth',
    'spatial_transformer_grid', 'spatial_transformer_sampler', 'split_axis', 'squeeze', 'stack',
    'swapaxes', 'tile', 'transpose', 'transpose_sequence', 'vstack', 'where',
]
