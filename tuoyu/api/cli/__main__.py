"""``python -m tuoyu.api.cli``: the same as the ``tuoyu`` command."""

from tuoyu.api.cli import main

main()
