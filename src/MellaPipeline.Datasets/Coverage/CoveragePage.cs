namespace MellaPipeline.Datasets.Coverage;

/// <summary>
/// Everything the report page shows besides <see cref="CoverageReport"/>'s counts: the run's funnel
/// (null for a dataset that is no finished run), the gallery sample with its thumbnails, the
/// cross-lingual clusters and the length and size histograms.
/// </summary>
public sealed record CoveragePage(
    CoverageReport Report,
    RunFunnel? Funnel,
    SortedDictionary<string, SortedDictionary<string, IReadOnlyList<SampledPair>>> Gallery,
    IReadOnlyDictionary<SampledPair, Thumbnail> Thumbnails,
    SortedDictionary<int, long> ClustersByLanguageCount,
    IReadOnlyList<ClusterExample> ClusterExamples,
    SortedDictionary<string, BinnedCounts> CaptionLengths,
    SortedDictionary<string, BinnedCounts> ImageSizes)
{
    /// <summary>Cross-lingual clusters the page shows with their captions.</summary>
    public const int ShownClusters = 4;

    /// <summary>The page of <paramref name="dataset"/>: the report's one pass over the rows with a sampler watching, then the sampled rows' images.</summary>
    public static async Task<CoveragePage> BuildAsync(
        string dataset, Config.CoverageTargets? targets, int langIdSample, Func<LanguageId.LanguageIdentifier> identifier, CancellationToken cancellationToken)
    {
        var sampler = new CoverageSampler();
        var report = await CoverageReport.BuildAsync(dataset, targets, langIdSample, identifier, cancellationToken, sampler);
        var gallery = sampler.Gallery();
        var thumbnails = await GalleryThumbnails.MakeAsync(sampler.Shards, gallery.Values.SelectMany(s => s.Values).SelectMany(p => p), cancellationToken);
        return new CoveragePage(
            report, RunFunnel.Load(dataset), gallery, thumbnails, sampler.ClustersByLanguageCount(), sampler.Examples(ShownClusters),
            sampler.CaptionLengths(), sampler.ImageSizes());
    }
}
