using MellaPipeline.Config;
using MellaPipeline.Runs;

namespace MellaPipeline.Orchestration;

/// <summary>
/// What <c>mella slurm submit</c> did: the submission; or none, the run being complete already; or why not:
/// the run folder refused the pipeline (<paramref name="RunProblem"/>) or sbatch failed (<paramref name="SbatchProblem"/>).
/// </summary>
public sealed record SlurmLaunch(SlurmSubmission? Submission, string? RunProblem, string? SbatchProblem)
{
    /// <summary>
    /// Records the pipeline in the run folder (or checks it against the earlier run's, see <see cref="RunConfigGuard"/>)
    /// and submits the ranks that are not complete yet, with the reduce; nothing when every rank and the reduce are done.
    /// </summary>
    public static SlurmLaunch Submit(LoadedPipeline loaded, string pipelineFile, RunDirectory run, int world, bool resume, int reduceWorkers, SlurmResources resources)
    {
        try
        {
            RunConfigGuard.Prepare(run, loaded.ResolvedJson(), resume);
        }
        catch (RunDirectoryException ex)
        {
            return new SlurmLaunch(null, ex.Message, null);
        }

        var ranks = Enumerable.Range(0, world).Where(r => !run.IsComplete(r)).ToList();
        if (ranks.Count == 0 && File.Exists(run.SummaryPath))
        {
            return new SlurmLaunch(null, null, null);
        }

        try
        {
            return new SlurmLaunch(new SlurmSubmitter(loaded.Options.Name, pipelineFile, run, world, reduceWorkers, resources).Submit(ranks), null, null);
        }
        catch (InvalidOperationException ex)
        {
            return new SlurmLaunch(null, null, ex.Message);
        }
    }
}
