"""Scripts that print performance figures; never part of the pass/fail test run."""
