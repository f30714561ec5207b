using MellaPipeline.Input;

namespace MellaPipeline.Metrics.Evaluation;

/// <summary>What <c>mella eval</c> computed: the report, and the input errors of the predictions and the baseline together.</summary>
public sealed record EvalRun(EvalReport Report, long Errors)
{
    /// <summary>
    /// Reads the references and the predictions (and a baseline's), and scores them; null with the problem when a
    /// predictions file is no regular file, or the references (<c>--references</c>) cannot be read or hold none.
    /// </summary>
    public static async Task<(EvalRun? Run, string? Problem)> RunAsync(
        string references, FileInfo predictions, FileInfo? baseline, ScoreOptions options, int resamples, int seed, CancellationToken cancellationToken)
    {
        if (new[] { predictions, baseline }.OfType<FileInfo>().FirstOrDefault(f => UserFile.NotRegularFile(f.FullName) is not null) is { } unusable)
        {
            return (null, $"{unusable}: {UserFile.NotRegularFile(unusable.FullName)}");
        }

        Dictionary<string, EvalReference> referenceSet;
        try
        {
            referenceSet = await EvalInputs.ReadReferencesAsync(references, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return (null, $"--references {e.Message}");
        }

        if (referenceSet.Count == 0)
        {
            return (null, $"--references {references}: no references");
        }

        var errors = new EvalErrors();
        var predicted = EvalInputs.ReadPredictions(predictions.FullName, referenceSet, errors);
        EvalErrors? baselineErrors = baseline is null ? null : new EvalErrors();
        var baselinePredicted = baseline is null ? null : EvalInputs.ReadPredictions(baseline.FullName, referenceSet, baselineErrors!);
        var report = EvalReport.Build(referenceSet, predicted, errors, baselinePredicted, baselineErrors, options, resamples, seed);
        return (new EvalRun(report, errors.Total + (baselineErrors?.Total ?? 0)), null);
    }
}
