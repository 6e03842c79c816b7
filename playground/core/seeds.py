"""The one range of random seeds, for data, weights, the command line and the spin boxes."""

MAX_SEED = 2**31 - 1  # the largest a Qt spin box holds; every seed lies in 0 … MAX_SEED
