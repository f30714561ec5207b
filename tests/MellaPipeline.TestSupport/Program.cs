using MellaPipeline.TestSupport;

// DuckDB's counts beside mella's ones:  dotnet run --project tests/MellaPipeline.TestSupport -- cross-check coverage|split ...
// A benchmark input:                    dotnet run --project tests/MellaPipeline.TestSupport -- pairs FOLDER COUNT IMAGES
// Good and poison pairs lines:          dotnet run --project tests/MellaPipeline.TestSupport -- poison-pairs DIR
// The hostile site:                     dotnet run --project tests/MellaPipeline.TestSupport -- serve-hostile-site DIR
if (args is ["cross-check", .. var rest])
{
    return CrossCheck.Run(rest);
}

// One DuckDB query's rows, tab-separated (bench/run-dataflow reads the stored image bytes with it): sql QUERY
if (args is ["sql", var sql])
{
    foreach (var row in DuckDb.Query(sql))
    {
        Console.WriteLine(string.Join('\t', row.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
    }

    return 0;
}

// What a run did beside what a generator expected (bench/run-reliability): check-outcomes poison|hostile EXPECTED.json RUN_DIR
if (args is ["check-outcomes", .. var checkArgs])
{
    return OutcomeCheck.Run(checkArgs);
}

// A pairs input with PNG images and its pipeline file, for benchmarks: pairs FOLDER COUNT IMAGES [TASKS]
if (args is ["pairs", var folder, var count, var images, .. var more])
{
    Directory.CreateDirectory(folder);
    string input = PairsInput.Write(folder, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), int.Parse(images, System.Globalization.CultureInfo.InvariantCulture), imageSize: 256);
    Console.WriteLine(PairsInput.WritePipeline(folder, input, tasks: more.Length > 0 ? int.Parse(more[0], System.Globalization.CultureInfo.InvariantCulture) : 1, shardMaxRows: 10_000, name: "scaling"));
    return 0;
}

// 20 good pairs among 16 poison lines, a pipeline over them and the expected outcome of each line: poison-pairs DIR
if (args is ["poison-pairs", var poisonFolder])
{
    var expected = PoisonPairs.Write(poisonFolder);
    Console.WriteLine($"wrote {expected.Count} lines to {Path.Combine(poisonFolder, "pairs.jsonl")}, {Path.Combine(poisonFolder, "pipeline.yaml")} and {Path.Combine(poisonFolder, "expected.json")}");
    return 0;
}

// The hostile test site until stdin closes or SIGTERM: serve-hostile-site DIR (writes DIR/hostile.yaml, expected.json; at exit served.json)
if (args is ["serve-hostile-site", var hostileDir])
{
    await using var site = new HostileSite();
    site.WritePipeline(hostileDir);
    var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.TrySetResult();
    });
    _ = Task.Run(async () =>
    {
        await Console.OpenStandardInput().CopyToAsync(Stream.Null);
        stop.TrySetResult();
    });
    Console.WriteLine("ready");
    await stop.Task;
    File.WriteAllText(Path.Combine(hostileDir, "served.json"), site.ServedJson());
    return 0;
}

Console.Error.WriteLine("usage: MellaPipeline.TestSupport cross-check|sql|check-outcomes|pairs|poison-pairs|serve-hostile-site ...");
return 2;
