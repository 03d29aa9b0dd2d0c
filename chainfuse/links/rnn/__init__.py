"""Recurrent links: stacked sequence RNNs (NStep*), GRU/MGU/peephole/zoneout cells and
tree LSTMs (L.LSTM and L.StatelessLSTM are in links/connection/lstm.py)."""
from chainfuse.links.rnn.gru import GRU, StatefulGRU, StatelessGRU  # noqa: F401
from chainfuse.links.rnn.mgu import StatefulMGU, StatelessMGU  # noqa: F401
from chainfuse.links.rnn.n_step_gru import NStepBiGRU, NStepGRU  # noqa: F401
from chainfuse.links.rnn.n_step_lstm import NStepBiLSTM, NStepLSTM  # noqa: F401
from chainfuse.links.rnn.n_step_rnn import (  # noqa: F401
    NStepBiRNNReLU, NStepBiRNNTanh, NStepRNNReLU, NStepRNNTanh)
from chainfuse.links.rnn.peephole import StatefulPeepholeLSTM  # noqa: F401
from chainfuse.links.rnn.tree_lstm import ChildSumTreeLSTM, NaryTreeLSTM  # noqa: F401
from chainfuse.links.rnn.zoneoutlstm import StatefulZoneoutLSTM  # noqa: F401

__all__ = ['GRU', 'StatefulGRU', 'StatelessGRU', 'StatefulMGU', 'StatelessMGU', 'NStepGRU',
           'NStepBiGRU', 'NStepLSTM', 'NStepBiLSTM', 'NStepRNNTanh', 'NStepRNNReLU',
           'NStepBiRNNTanh', 'NStepBiRNNReLU', 'StatefulPeepholeLSTM', 'ChildSumTreeLSTM',
           'NaryTreeLSTM', 'StatefulZoneoutLSTM']
