using MellaPipeline.Config;

namespace MellaPipeline.Orchestration;

/// <summary>What <c>mella run</c> and <c>mella slurm submit</c> both do with their pipeline file and <c>--tasks</c>.</summary>
public static class PipelineFile
{
    /// <summary>The pipeline file, strictly loaded, with a world size override applied; or the one-line reason it cannot be used.</summary>
    /// <param name="path">The path as typed, so that errors name the file the way the user wrote it.</param>
    /// <param name="tasks">The world size to run with instead of the file's (in range: the option's rule checked it).</param>
    public static (LoadedPipeline? Pipeline, string? Problem) Load(string path, int? tasks)
    {
        LoadedPipeline loaded;
        try
        {
            loaded = PipelineConfigLoader.Load(path);
        }
        catch (ConfigException ex)
        {
            return (null, ex.Message);
        }

        if (tasks is { } worldSize)
        {
            loaded.Options.Tasks = worldSize;
        }

        return (loaded, null);
    }
}
