"""Everything that owns a QThread: worker threads, the training worker, job runners."""
