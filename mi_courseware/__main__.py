"""Entry point for ``python -m mi_courseware``."""

from mi_courseware.cli import main

if __name__ == "__main__":
    main()
