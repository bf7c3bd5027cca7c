"""``python -m pipeline`` is ``tmpipe``."""

from .cli import main

main()
