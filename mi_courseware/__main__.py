"""Entry point for ``python -m mi_courseware`` and the ``mi-courseware`` console script.

A command runs in the resident build server when one is running for this installation
(:mod:`mi_courseware.resident`), else here; only the light client is imported before that is
known, so neither way pays for the other.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Console-script entry point."""
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
