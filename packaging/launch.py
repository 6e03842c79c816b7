"""Entry point of the stand-alone app: `playground` with the same commands as from source."""

import multiprocessing
import sys

if __name__ == "__main__":
    # First of all: the training process is this same executable, started with `spawn`;
    # freeze_support() turns it into that process instead of a second window.
    multiprocessing.freeze_support()
    from playground.cli import main

    sys.exit(main())
