using MellaPipeline.Config;
using MellaPipeline.LanguageId;

namespace MellaPipeline.Datasets.Coverage;

/// <summary><c>mella coverage</c>: the targets file read, then the report built; or why the targets or the dataset cannot be used.</summary>
public static class CoverageRun
{
    /// <param name="targets">The targets file, or null for a report without targets.</param>
    /// <param name="langIdSample">About how many captions language ID checks again (0 = none).</param>
    /// <param name="page">Also sample the rows and read the sampled images for the report page (<c>--report</c>).</param>
    public static async Task<(CoverageReport? Report, CoveragePage? Page, string? Problem)> RunAsync(
        string dataset, FileInfo? targets, int langIdSample, bool page, CancellationToken cancellationToken)
    {
        CoverageTargets? goals = null;
        if (targets is not null)
        {
            if (!targets.Exists)
            {
                return (null, null, $"--targets {targets}: no such file");
            }

            try
            {
                goals = CoverageTargets.Load(targets.ToString());
            }
            catch (ConfigException e)
            {
                return (null, null, e.Message);
            }
        }

        try
        {
            if (page)
            {
                var built = await CoveragePage.BuildAsync(dataset, goals, langIdSample, () => LanguageIdentifier.Create(), cancellationToken);
                return (built.Report, built, null);
            }

            return (await CoverageReport.BuildAsync(dataset, goals, langIdSample, () => LanguageIdentifier.Create(), cancellationToken), null, null);
        }
        catch (Exception e) when (DatasetProblem.Is(e))
        {
            return (null, null, DatasetProblem.Describe(dataset, e));
        }
    }
}
