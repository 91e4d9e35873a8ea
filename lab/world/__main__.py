"""`python -m lab.world generate ...`: see `lab.world.files.main`."""

import sys

from lab.world.files import main

sys.exit(main())
