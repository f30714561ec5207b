using MellaPipeline.Config;

namespace MellaPipeline.Cli.Commands;

/// <summary>What <c>mella run</c> and <c>mella slurm submit</c> both do with their PIPELINE argument and <c>--tasks</c>.</summary>
internal static class PipelineArguments
{
    /// <summary>The pipeline file, strictly loaded, with a <c>--tasks</c> override applied; or the one-line reason it cannot be used.</summary>
    public static (LoadedPipeline? Pipeline, string? Problem) Load(FileInfo file, int? tasks)
    {
        LoadedPipeline loaded;
        try
        {
            // The path as typed, so that errors name the file the way the user wrote it.
            loaded = PipelineConfigLoader.Load(file.ToString());
        }
        catch (ConfigException ex)
        {
            return (null, ex.Message);
        }

        // --tasks is in range already: its option rule checked it while parsing.
        if (tasks is { } worldSize)
        {
            loaded.Options.Tasks = worldSize;
        }

        return (loaded, null);
    }
}
