using MellaPipeline.TestSupport;

namespace MellaPipeline.LanguageId.Tests;

/// <summary>The labelled rows (<c>label TAB text</c>) of a file of <c>../shared/data/langid</c>, read in place.</summary>
internal static class LangIdData
{
    public static List<(string Label, string Text)> Load(string file) =>
        File.ReadLines(Path.Combine(RepoPaths.SharedData, "langid", file))
            .Select(l => l.Split('\t', 2))
            .Select(p => (p[0], p[1]))
            .ToList();
}
