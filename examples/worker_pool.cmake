# worker pool on the multi-thread executor (examples/worker_pool.c)
