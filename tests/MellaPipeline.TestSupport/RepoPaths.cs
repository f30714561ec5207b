namespace MellaPipeline.TestSupport;

/// <summary>Where things are in the checkout the tests run from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared public test data beside every checkout (never copied into the project).</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    public static string Demo => Path.Combine(Root, "pipelines", "demo.yaml");

    /// <summary>The built <c>mella.dll</c> of the same configuration as the running tests.</summary>
    public static string MellaDll
    {
        get
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            string path = Path.Combine(Root, "src", "MellaPipeline.Cli", "bin", configuration, "net10.0", "mella.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build the CLI first: {path} is missing");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MellaPipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("MellaPipeline.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted when disposed.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mella-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
