"""``python -m demo.stack serve``: run the demo stack until SIGTERM/SIGINT."""

from demo.stack.process import main

raise SystemExit(main())
