namespace MellaPipeline.Metrics.Evaluation;

/// <summary>What <c>mella eval</c> computed: the report, and the input errors of the predictions and the baseline together.</summary>
public sealed record EvalRun(EvalReport Report, long Errors)
{
    /// <summary>
    /// Reads the references and the predictions (and a baseline's), and scores them; null with the problem of the
    /// references (naming them) when they cannot be read or hold none.
    /// </summary>
    public static async Task<(EvalRun? Run, string? Problem)> RunAsync(
        string references, string predictions, string? baseline, ScoreOptions options, int resamples, int seed, CancellationToken cancellationToken)
    {
        Dictionary<string, EvalReference> referenceSet;
        try
        {
            referenceSet = await EvalInputs.ReadReferencesAsync(references, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return (null, e.Message);
        }

        if (referenceSet.Count == 0)
        {
            return (null, $"{references}: no references");
        }

        var errors = new EvalErrors();
        var predicted = EvalInputs.ReadPredictions(predictions, referenceSet, errors);
        EvalErrors? baselineErrors = baseline is null ? null : new EvalErrors();
        var baselinePredicted = baseline is null ? null : EvalInputs.ReadPredictions(baseline, referenceSet, baselineErrors!);
        var report = EvalReport.Build(referenceSet, predicted, errors, baselinePredicted, baselineErrors, options, resamples, seed);
        return (new EvalRun(report, errors.Total + (baselineErrors?.Total ?? 0)), null);
    }
}
