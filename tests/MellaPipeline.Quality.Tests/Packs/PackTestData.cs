using System.Globalization;
using MellaPipeline.Quality.Packs;
using MellaPipeline.Records;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Quality.Tests.Packs;

/// <summary>
/// The demo's tiny packs and the known answers bench/packs/build-tiny-pack wrote beside these
/// tests (numpy's forward passes and preprocessing, spm_encode's ids): an implementation
/// independent of the C# one.
/// </summary>
internal static class PackTestData
{
    public static string ClipFolder => Path.Combine(RepoPaths.Root, "pipelines", "demo", "models", "tiny-clip");

    public static string NsfwFolder => Path.Combine(RepoPaths.Root, "pipelines", "demo", "models", "tiny-nsfw");

    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "MellaPipeline.Quality.Tests", "Packs", "data");

    public static readonly string[] ImageNames = ["gradient-48x40", "small-20x28", "noise-96x64"];

    public static ModelPack Clip => ModelPack.Load(ClipFolder);

    public static ModelPack Nsfw => ModelPack.Load(NsfwFolder);

    public static byte[] Image(string name) => File.ReadAllBytes(Path.Combine(Folder, name + ".png"));

    /// <summary>expected-ids.tsv: language, caption, spm_encode's ids, the model's input ids.</summary>
    public static IReadOnlyList<(string Lang, string Text, int[] Pieces, long[] ModelIds)> Ids() =>
        Rows("expected-ids.tsv").Select(f => (f[0], f[1], Numbers(f[2]).Select(v => (int)v).ToArray(), Numbers(f[3]).Select(v => (long)v).ToArray())).ToArray();

    public static IReadOnlyList<string> Captions() => Ids().Select(r => r.Text).ToArray();

    /// <summary>expected-embeddings.tsv's values of one kind (image, text, nsfw, cosine) by name.</summary>
    public static IReadOnlyDictionary<string, double[]> Expected(string kind) =>
        Rows("expected-embeddings.tsv").Where(f => f[0] == kind).ToDictionary(f => f[1], f => Numbers(f[2]), StringComparer.Ordinal);

    public static double[] Pixels(string image, string resize) =>
        Rows("expected-pixels.tsv").Single(f => f[0] == image && f[1] == resize)[2] is var values ? Numbers(values) : [];

    public static PairRecord Row(byte[]? image, string text, string key = "k") => new()
    {
        Key = key,
        Origin = "test",
        Lang = "th",
        Script = "Thai",
        Source = "native",
        Text = text,
        ImageBytes = image,
        Width = 1,
        Height = 1,
        Sha256 = null,
        DupCluster = key,
        OrigWidth = 1,
        OrigHeight = 1,
    };

    public static void Near(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    private static IEnumerable<string[]> Rows(string file) =>
        File.ReadAllLines(Path.Combine(Folder, file)).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t'));

    private static double[] Numbers(string list) =>
        list.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
