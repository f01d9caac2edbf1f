"""Entry point of the single-file vetmri binary (the same as the ``vetmri`` command)."""

from vetmri.cli.main import main

if __name__ == "__main__":
    main()
