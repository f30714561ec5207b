using System.Text.Json;
using MellaPipeline.Config;
using MellaPipeline.Input;
using MellaPipeline.Json;

namespace MellaPipeline.Orchestration;

/// <summary>A validated pipeline file: the options with every default filled in, and where they came from.</summary>
public sealed record LoadedPipeline(string SourcePath, PipelineOptions Options)
{
    /// <summary>The resolved configuration as saved in a run directory (<c>config.json</c>).</summary>
    public byte[] ResolvedJson() => JsonSerializer.SerializeToUtf8Bytes(Options, MellaJson.Indented);
}

/// <summary>
/// A pipeline file (<c>pipelines/*.yaml</c>) read by <see cref="SettingsFile"/>'s strict rules into
/// <see cref="PipelineOptions"/>, its relative input paths resolved against the file's folder; and
/// what <c>mella run</c> and <c>mella slurm submit</c> both do with it and <c>--tasks</c>.
/// </summary>
public static class PipelineFile
{
    public static LoadedPipeline Load(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string text = SettingsFile.ReadSettingsFile(path, "pipeline file");
        var options = Parse(text, path);
        ResolveInputPaths(options, path, Path.GetDirectoryName(fullPath)!, text);
        return new LoadedPipeline(fullPath, options);
    }


    /// <summary>Binds and validates YAML text; <paramref name="displayName"/> names it in errors.</summary>
    public static PipelineOptions Parse(string yaml, string displayName) => SettingsFile.Parse<PipelineOptions>(yaml, displayName, "pipeline settings (name:, input:, ...)");


    private static void ResolveInputPaths(PipelineOptions options, string displayName, string baseDir, string yaml)
    {
        string Resolve(string path, string key)
        {
            string resolved = Path.GetFullPath(Path.Combine(baseDir, path));
            return UserFile.KindOf(resolved) switch
            {
                UserFileKind.Missing => throw new ConfigException(displayName, SettingsFile.FindLine(yaml, path), key, $"no such file or folder: {resolved}"),
                UserFileKind.Special => throw new ConfigException(displayName, SettingsFile.FindLine(yaml, path), key, $"not a regular file or folder (a FIFO, device or socket): {resolved}"),
                _ => resolved,
            };
        }

        void ResolvePaths(List<string> paths, string key)
        {
            for (int i = 0; i < paths.Count; i++)
            {
                paths[i] = Resolve(paths[i], $"{key}[{i}]");
            }
        }

        string ResolveOne(string path, string key) => path.Length == 0 ? path : Resolve(path, key);

        for (int n = 0; n < options.Captions.Count; n++)
        {
            ResolvePaths(options.Captions[n].Paths, $"captions[{n}].paths");
            ResolvePaths(options.Captions[n].Fuse?.Answers ?? [], $"captions[{n}].fuse.answers");
        }

        // Quality stages name model packs, blocklists and benchmarks beside the pipeline file, as inputs do.
        var stages = options.Stages;
        ResolvePaths(stages.Safety.Blocklist, "stages.safety.blocklist");
        ResolvePaths(stages.Decontaminate.Against, "stages.decontaminate.against");
        ResolvePaths(stages.Decontaminate.AgainstText, "stages.decontaminate.against_text");
        stages.Safety.Model = ResolveOne(stages.Safety.Model, "stages.safety.model");
        stages.Align.Model = ResolveOne(stages.Align.Model, "stages.align.model");

        // A pack whose files do not match their hashes, a blocklist or benchmark that cannot be read: refused before anything is written.
        void Refuse(string? problem, string key, string find)
        {
            if (problem is not null)
            {
                // Some checks name the key themselves (stages.safety.blocklist: FILE:LINE: ...); it is said once.
                throw new ConfigException(displayName, SettingsFile.FindLine(yaml, find), problem.StartsWith(key, StringComparison.Ordinal) ? null : key, problem);
            }
        }

        Refuse(stages.Align.Model.Length == 0 ? null : Quality.Packs.ModelPack.Problem(stages.Align.Model, Quality.Packs.PackKind.Alignment), "stages.align.model", "align:");
        Refuse(stages.Safety.Model.Length == 0 ? null : Quality.Packs.ModelPack.Problem(stages.Safety.Model, Quality.Packs.PackKind.ImageClassifier), "stages.safety.model", "safety:");
        Refuse(MapStages.BlocklistStep.BlocklistProblem(stages.Safety), "stages.safety.blocklist", "blocklist");
        Refuse(Dedup.Decontamination.DecontaminationProblem(stages.Decontaminate), "stages.decontaminate", "decontaminate:");
        Refuse(stages.LoadImages.Enabled ? Imaging.ImageHasher.DecoderProblem(stages.LoadImages.Decoder) : null, "stages.load_images.decoder", "decoder:");

        var inputs = options.InputList();
        for (int n = 0; n < inputs.Count; n++)
        {
            var input = inputs[n];
            string prefix = options.Input is not null ? "input" : $"inputs[{n}]";
            ResolvePaths(input.Paths, $"{prefix}.paths");
            if (input.Kind == InputKind.Urls && Crawl.UrlLists.UrlListFiles.ProblemAsync(input).GetAwaiter().GetResult() is { } listProblem)
            {
                // A list that cannot be read at all stops the run before anything is written, naming the file and the column.
                throw new ConfigException(displayName, SettingsFile.FindLine(yaml, "kind: urls"), $"{prefix}.paths", listProblem);
            }

            if (input.Crawl.ServeFolder.Length > 0)
            {
                string folder = Path.GetFullPath(Path.Combine(baseDir, input.Crawl.ServeFolder));
                if (!Directory.Exists(folder))
                {
                    throw new ConfigException(displayName, SettingsFile.FindLine(yaml, input.Crawl.ServeFolder), $"{prefix}.crawl.serve_folder", $"no such folder: {folder}");
                }

                input.Crawl.ServeFolder = folder;
            }
        }
    }

    /// <summary>The pipeline file, strictly loaded, with a world size override applied; or the one-line reason it cannot be used.</summary>
    /// <param name="path">The path as typed, so that errors name the file the way the user wrote it.</param>
    /// <param name="tasks">The world size to run with instead of the file's (in range: the option's rule checked it).</param>
    public static (LoadedPipeline? Pipeline, string? Problem) Load(string path, int? tasks)
    {
        LoadedPipeline loaded;
        try
        {
            loaded = Load(path);
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
