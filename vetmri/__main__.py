"""``python -m vetmri``: the same entry point as the ``vetmri`` command."""

from vetmri.cli.main import main

if __name__ == "__main__":
    main()
