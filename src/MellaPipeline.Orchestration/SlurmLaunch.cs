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
    /// and submits what is not done yet (<see cref="SlurmPlan.Missing"/>): the ranks not complete, the clustering, the filters, the finish;
    /// nothing when every rank and the reduce are done.
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

        var plan = SlurmPlan.Missing(run, world);
        if (plan.Tasks.Count == 0 && File.Exists(run.SummaryPath))
        {
            return new SlurmLaunch(null, null, null);
        }

        try
        {
            return new SlurmLaunch(new SlurmSubmitter(loaded.Options.Name, pipelineFile, run, world, reduceWorkers, resources).Submit(plan), null, null);
        }
        catch (InvalidOperationException ex)
        {
            return new SlurmLaunch(null, null, ex.Message);
        }
    }
}
