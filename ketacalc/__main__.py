"""``python -m ketacalc`` and the ``ketacalc`` console script.

Ctrl-C is handled from the first line: until the command line's own error
boundary takes over, an interrupt prints one line and exits 130 (a default
handler would print a KeyboardInterrupt traceback while modules load).
"""

import os
import signal


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, b"error: interrupted\n")
    os._exit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted)
    from ketacalc.cli import main as run

    run()


if __name__ == "__main__":
    main()
