"""The gradient-through-time chart tells the lecture's story on the parity presets: a plain
RNN's error signal fades going back in time (the vanishing gradient), while the LSTM's cell
state carries it back to the early bits."""

from __future__ import annotations

from playground.core.datasets import make_dataset
from playground.core.presets import load_preset
from playground.core.sequence_probes import sequence_probe
from playground.core.training.factory import make_trainer


def first_to_last(name: str) -> tuple[str, float]:
    """The state the chart shows, and the first-to-last ratio of its median line (the median
    of ‖∂𝓔/∂mₜ‖ over the first test samples, strings never seen in training) once the
    preset has trained with its own settings."""
    project = load_preset(name)
    run = make_trainer(project.network, make_dataset(project.data), project.training)
    run.train()
    probe = sequence_probe(run, 0)
    (node, median), = probe.median_gradients.items()
    return probe.memory[node], float(median[0] / median[-1])


def test_the_rnn_gradient_fades_back_in_time_and_the_lstm_cell_carries_it() -> None:
    rnn_state, rnn = first_to_last("parity-rnn")
    lstm_state, lstm = first_to_last("parity-lstm")
    assert (rnn_state, lstm_state) == ("h", "c")
    assert rnn < 0.35  # ‖∂𝓔/∂h₁‖ is a small part of ‖∂𝓔/∂h_T‖ (measured 0.25)
    assert lstm > 2 * rnn  # measured 0.69
