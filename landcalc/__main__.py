"""``python -m landcalc`` runs the command-line interface."""

from landcalc.cli import main

if __name__ == "__main__":
    main()
