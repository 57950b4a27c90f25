"""`python -m devsecbots`: the same command line as the `devsecbots` script."""

from devsecbots.cli import main

main()
