"""Training: settings, the backprop engine, the perceptron rule and numpy snapshots."""
