"""Recurrent functions: LSTM cells (lstm, slstm, tree_lstm) and the stacked
sequence RNNs (n_step_lstm, n_step_gru, n_step_rnn and their bidirectional forms)."""
from chainfuse.functions.rnn.lstm import lstm, slstm
from chainfuse.functions.rnn.n_step_gru import n_step_bigru, n_step_gru
from chainfuse.functions.rnn.n_step_lstm import n_step_bilstm, n_step_lstm
from chainfuse.functions.rnn.n_step_rnn import n_step_birnn, n_step_rnn
from chainfuse.functions.rnn.tree_lstm import tree_lstm

__all__ = ['lstm', 'slstm', 'tree_lstm', 'n_step_lstm', 'n_step_bilstm', 'n_step_gru',
           'n_step_bigru', 'n_step_rnn', 'n_step_birnn']
