from periodkit.cli import main

raise SystemExit(main())
