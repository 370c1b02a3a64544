"""Entry point for ``python -m mi_courseware`` and the ``mi-courseware`` console script.

A command runs in the resident build server when one is running for this installation
(:mod:`mi_courseware.resident`), else here; only the light client is imported before that is
known, so neither way pays for the other.
"""

from __future__ import annotations

import gc
import os
import sys

#: New objects between two runs of the cycle collector over the youngest ones. A command
#: makes many objects and few cycles: at CPython's 700, collecting took 3% of the demo
#: deck's first build in the resident server (74 collections, 5.8 ms) and 2-4% of a first
#: build of its deck or pack in a process of its own. Every 100,000 still bounds memory.
YOUNGEST = 100_000


def main() -> None:
    """Console-script entry point."""
    gc.set_threshold(YOUNGEST, *gc.get_threshold()[1:])  # this process, its server and workers
    from mi_courseware import resident

    code = resident.run(sys.argv[1:])
    if code is not None:  # run by the server: nothing here to tidy up, so no interpreter
        sys.stdout.flush()  # shutdown either
        sys.stderr.flush()
        if code < 0:  # ended by a signal: so is this process, for its caller to see
            import signal

            signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        os._exit(code if code >= 0 else 128 - code)
    from mi_courseware.cli import main as run_here

    run_here()


if __name__ == "__main__":
    main()
