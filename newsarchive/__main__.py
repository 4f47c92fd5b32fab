"""``python -m newsarchive``: the same as the ``newsarchive`` command."""
from newsarchive.cli import main

if __name__ == "__main__":  # extraction workers import this module again, and must not run the CLI
    main()
