using System.Text.Json.Nodes;

namespace MellaPipeline.Runs;

/// <summary>
/// Decides whether a run directory may be used for a pipeline config: a fresh folder gets the
/// config saved; a folder holding a run continues only if the saved config matches. Settings that
/// change how a run is executed but not what it produces (<see cref="ExecutionOnlyKeys"/>) may differ,
/// and so may the parts a finished run can rebuild on its own (<see cref="RebuildableKeys"/>: caption
/// layers); when those differ, the saved config is replaced by the new one.
/// </summary>
public static class RunConfigGuard
{
    public static readonly IReadOnlyList<string> ExecutionOnlyKeys = ["workers"];

    public static readonly IReadOnlyList<string> RebuildableKeys = ["captions"];

    /// <summary>Prepares <paramref name="run"/>; returns true when an earlier run is being continued.</summary>
    /// <param name="earlierProcessLocked">A process had taken a lock in this folder before this one (<see cref="RunLock.FoundEarlierLocks"/>): a run was started here.</param>
    /// <exception cref="RunDirectoryException">The folder cannot be used; the message names it and says why.</exception>
    public static bool Prepare(RunDirectory run, byte[] resolvedConfigJson, bool requireExistingRun, bool earlierProcessLocked = false)
    {
        if (run.HasRun)
        {
            string? difference = FirstDifference(File.ReadAllBytes(run.ConfigPath), resolvedConfigJson);
            if (difference is not null)
            {
                throw new RunDirectoryException(
                    $"{run.ConfigPath}: this run directory holds a run of a different pipeline config ('{difference}' differs); " +
                    "use another --out, or delete the folder to start over");
            }

            run.Create();
            var saved = JsonNode.Parse(File.ReadAllBytes(run.ConfigPath)) as JsonObject;
            var current = JsonNode.Parse(resolvedConfigJson) as JsonObject;
            if (RebuildableKeys.Any(key => !JsonNode.DeepEquals(saved?[key], current?[key])))
            {
                AtomicFile.WriteAllBytes(run.ConfigPath, resolvedConfigJson, writtenByManyProcesses: true);
            }

            return true;
        }

        // A run killed while it was being set up leaves at most temporary configs: that folder is still fresh.
        // So is one holding only the locks (RunLock), taken before anything else is written.
        bool holdsOther = Directory.Exists(run.Root) &&
            Directory.EnumerateFileSystemEntries(run.Root).Any(entry => !AtomicFile.IsTempOf(entry, run.ConfigPath) && entry != run.LocksDir);
        if (holdsOther && run.HasRun)
        {
            // Another rank saved the config between the two looks: this is its run, which we join.
            return Prepare(run, resolvedConfigJson, requireExistingRun, earlierProcessLocked);
        }


        // --resume of such a folder (an earlier process's locks show a run started there) starts that run from
        // the beginning, so "kill, then resume" works whenever the kill came; a folder no run ever started is still refused.
        if (requireExistingRun && (holdsOther || !earlierProcessLocked))
        {
            throw new RunDirectoryException($"{run.Root}: nothing to resume (no config.json); run without --resume to start");
        }

        if (holdsOther)
        {
            throw new RunDirectoryException($"{run.Root}: folder is not empty and holds no run; choose another --out");
        }

        // The config first, then the run's folders: a kill in between leaves a run that resumes, never a folder that is refused.
        Directory.CreateDirectory(run.Root);
        AtomicFile.WriteAllBytes(run.ConfigPath, resolvedConfigJson, writtenByManyProcesses: true);
        run.Create();
        return false;
    }

    /// <summary>The dotted path of the first setting that differs, or null when the configs are the same.</summary>
    public static string? FirstDifference(byte[] savedJson, byte[] currentJson)
    {
        var saved = JsonNode.Parse(savedJson);
        var current = JsonNode.Parse(currentJson);
        foreach (var key in ExecutionOnlyKeys.Concat(RebuildableKeys))
        {
            (saved as JsonObject)?.Remove(key);
            (current as JsonObject)?.Remove(key);
        }

        return Compare(saved, current, path: null);
    }

    private static string? Compare(JsonNode? a, JsonNode? b, string? path)
    {
        if (a is JsonObject objectA && b is JsonObject objectB)
        {
            foreach (var key in objectA.Select(p => p.Key).Union(objectB.Select(p => p.Key)).Order(StringComparer.Ordinal))
            {
                var difference = Compare(objectA[key], objectB[key], path is null ? key : $"{path}.{key}");
                if (difference is not null)
                {
                    return difference;
                }
            }

            return null;
        }

        return JsonNode.DeepEquals(a, b) ? null : path ?? "(root)";
    }
}
