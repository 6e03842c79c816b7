"""Neural-network playground: build a network, press play, watch it learn."""

__version__ = "0.1.0"
