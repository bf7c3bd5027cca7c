"""``tmpipe`` and ``python -m pipeline``: the CLI, with Ctrl-C during start-up handled too."""

from __future__ import annotations

import sys

INTERRUPTED = "tmpipe: interrupted; the TM is unchanged and no file is half-written; run the build again to finish"


def run() -> None:
    """Import the CLI (a second or so: lxml, pandas…) and run it; a Ctrl-C while importing is a
    clean exit 130 like one later, not a traceback."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
