"""Pure business rules: no I/O, no messenger SDK, no database."""
