using MellaPipeline.Runs;
using Microsoft.Extensions.Logging;

namespace MellaPipeline.Orchestration;

/// <summary>Shows a run's progress until disposed.</summary>
public interface IRunProgressDisplay
{
    IAsyncDisposable Start(RunProgress progress, ILogger logger);
}
