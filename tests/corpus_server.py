"""Runs ``mi-courseware`` commands for the bad-input corpus, each in a process of its own.

Starting Python and importing the tool costs more than most corpus cases themselves, so
this server imports it once and then *forks* a child per command: a real, separate process
(its own working folder, environment, standard streams and exit code; a traceback it prints
is seen), started in a few milliseconds. The server is single-threaded, so forking is safe.

Protocol: one JSON request per line on standard input, ``{"args", "cwd", "env",
"timeout"}``; one JSON answer per line on standard output, ``{"returncode", "stdout",
"stderr", "timed_out"}``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
import traceback


def _child(request: dict, out: int, err: int) -> None:
    """In the forked child: become the command, then exit with its code."""
    os.setpgid(0, 0)  # the command and any worker it starts, killed together on a timeout
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None  # TMPDIR as this command's environment says
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # the server's requests are not the command's input
    os.dup2(out, 1)
    os.dup2(err, 2)
    code = 0
    try:
        sys.argv = ["mi-courseware", *request["args"]]
        from mi_courseware.cli import main

        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def run(request: dict) -> dict:
    """Fork a child for one command and wait for it, at most ``timeout`` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _child(request, out.fileno(), err.fileno())
        deadline = time.monotonic() + float(request["timeout"])
        timed_out = False
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                timed_out = True
                os.killpg(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                break
            time.sleep(0.005)
        out.seek(0)
        err.seek(0)
        return {
            "returncode": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
            "timed_out": timed_out,
        }


def main() -> None:
    """Import the tool once, then serve requests until standard input closes."""
    import weasyprint  # noqa: F401  (the PDF engine several cases reach)

    import mi_courseware.cli
    import mi_courseware.pipeline.targets  # noqa: F401  (reading and checking a project)

    for line in sys.stdin:
        answer = run(json.loads(line))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
