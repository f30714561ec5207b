// Some tests of this project mostly wait (on Slurm, on loopback servers, on a process being killed
// and resumed) while others compute, so four test classes run at once instead of one per core:
// 4 min 37 s instead of 4 min 57 s on two cores (docs/BENCHMARKS.md, "One house").
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
