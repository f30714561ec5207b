using MellaPipeline.TestSupport;

// Writes the demo's images:             dotnet run --project tests/MellaPipeline.TestSupport -- pipelines/demo/images
// DuckDB's counts beside mella's ones:  dotnet run --project tests/MellaPipeline.TestSupport -- cross-check coverage|split ...
if (args is ["cross-check", .. var rest])
{
    return CrossCheck.Run(rest);
}

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: MellaPipeline.TestSupport OUTPUT_FOLDER | cross-check ...");
    return 2;
}

Directory.CreateDirectory(args[0]);
foreach (var image in DemoImages.All)
{
    File.WriteAllBytes(Path.Combine(args[0], image.FileName), image.Draw());
}

Console.WriteLine($"wrote {DemoImages.All.Count} images to {args[0]}");
return 0;
