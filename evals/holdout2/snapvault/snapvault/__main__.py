from snapvault.cli import main

raise SystemExit(main())
