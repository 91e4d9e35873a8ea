import sys

from bot.simulate.cli import main

sys.exit(main())
