"""python -m ketacalc"""

from ketacalc.cli import main

main()
