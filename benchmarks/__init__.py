"""periodkit's benchmark suite: every kernel against its peers, in one process, on one data set."""
