"""Side panels: inspector, data, training."""
