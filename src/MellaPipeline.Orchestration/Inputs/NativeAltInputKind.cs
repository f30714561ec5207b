using MellaPipeline.Config;
using MellaPipeline.Crawl.Sources;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.Inputs;

/// <summary>
/// <c>kind: crawl</c> and <c>kind: warc</c>: web pages (fetched live, or read from web archives)
/// whose images' alt text becomes native pairs. Both read through one source, which tells the two
/// apart by the input's kind, so one class serves both registrations.
/// </summary>
public sealed class NativeAltInputKind(InputKind kind) : IInputKind
{
    public InputKind Kind { get; } = kind is InputKind.Crawl or InputKind.Warc
        ? kind
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, "native alt text comes from a crawl or web archives");

    public bool FetchesPages => true;

    public IRecordSource<PairCandidate> Open(InputOptions input, MapTaskResources resources) =>
        new NativeAltSource(input, resources.Languages, resources.Identifier, resources.Client);
}
