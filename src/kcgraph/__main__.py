"""``python -m kcgraph``."""

from .cli import main

main()
