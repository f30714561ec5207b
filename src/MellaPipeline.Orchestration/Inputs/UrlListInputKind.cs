using MellaPipeline.Config;
using MellaPipeline.Crawl.Sources;
using MellaPipeline.Records;
using MellaPipeline.Stages;

namespace MellaPipeline.Orchestration.Inputs;

/// <summary><c>kind: urls</c>: URL lists whose images <c>load_images</c> downloads through the task's polite client (this input's <c>crawl:</c> block).</summary>
public sealed class UrlListInputKind : IInputKind
{
    public InputKind Kind => InputKind.Urls;

    public bool FetchesPages => true;

    public IRecordSource<PairCandidate> Open(InputOptions input, MapTaskResources resources) =>
        new UrlListSource(input, resources.Languages, () => resources.Identifier);
}
