from actionable.cli import main

raise SystemExit(main())
