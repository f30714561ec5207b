using MellaPipeline.Config;
using MellaPipeline.LanguageId;

namespace MellaPipeline.Datasets.Coverage;

/// <summary><c>mella coverage</c>: the targets file read, then the report built; or why the targets or the dataset cannot be used.</summary>
public static class CoverageRun
{
    /// <param name="targets">The targets file, or null for a report without targets.</param>
    /// <param name="langIdSample">About how many captions language ID checks again (0 = none).</param>
    public static async Task<(CoverageReport? Report, string? Problem)> RunAsync(string dataset, FileInfo? targets, int langIdSample, CancellationToken cancellationToken)
    {
        CoverageTargets? goals = null;
        if (targets is not null)
        {
            if (!targets.Exists)
            {
                return (null, $"--targets {targets}: no such file");
            }

            try
            {
                goals = CoverageTargets.Load(targets.ToString());
            }
            catch (ConfigException e)
            {
                return (null, e.Message);
            }
        }

        try
        {
            return (await CoverageReport.BuildAsync(dataset, goals, langIdSample, () => LanguageIdentifier.Create(), cancellationToken), null);
        }
        catch (Exception e) when (DatasetProblem.Is(e))
        {
            return (null, DatasetProblem.Describe(dataset, e));
        }
    }
}
