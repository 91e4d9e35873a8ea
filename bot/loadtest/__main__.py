import sys

from bot.loadtest.runner import main

sys.exit(main())
