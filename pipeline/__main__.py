"""``tmpipe`` and ``python -m pipeline``: the CLI, with Ctrl-C during start-up handled too."""

from __future__ import annotations

import sys

from .errors import INTERRUPTED


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
