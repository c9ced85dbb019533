"""`python -m pyswitch`: the same entry point as the `pyswitch` command."""
from pyswitch.entry import main

main()
