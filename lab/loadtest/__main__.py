import sys

from lab.loadtest.runner import main

sys.exit(main())
