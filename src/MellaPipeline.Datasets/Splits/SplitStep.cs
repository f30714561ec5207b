using MellaPipeline.Runs;

namespace MellaPipeline.Datasets.Splits;

/// <summary>
/// A split as a step: <c>split.json</c> is both its figures and its marker, so a folder with
/// <c>train/</c> and <c>eval/</c> but no <c>split.json</c> is an interrupted split, whose sides are
/// discarded before it is written again. A split rejects nothing.
/// </summary>
internal sealed class SplitStep(string outDir, Func<StepContext, CancellationToken, Task<SplitSummary>> body) : RunStep<SplitSummary>
{
    public override string Name => "split";

    public override string MarkerPath => Path.Combine(outDir, SplitSummary.FileName);

    public override string? RejectsPath => null;

    public override string FiguresPath => MarkerPath;

    public override void DiscardOutputs()
    {
        foreach (string folder in (string[])[DatasetSplitter.TrainFolder, DatasetSplitter.EvalFolder, SftExport.FolderName])
        {
            string path = Path.Combine(outDir, folder);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }

    public override Task<SplitSummary> ExecuteAsync(StepContext context, CancellationToken cancellationToken) => body(context, cancellationToken);
}
