from pyswitch.cli import main

main()
