"""``python -m newsarchive``: the same as the ``newsarchive`` command."""

if __name__ == "__main__":  # extraction workers import this module again: they neither run nor load the CLI
    from newsarchive.cli import main

    main()
