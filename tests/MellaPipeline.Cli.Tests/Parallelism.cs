// The tests of this project mostly wait: on the mella processes they start, on loopback servers,
// on Slurm. A whole run keeps the machine's cores about a quarter busy with one test class per
// core, so four classes run at once (measured in docs/BENCHMARKS.md, "The test suite").
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
