using MellaPipeline.Crawl.Extraction;
using MellaPipeline.Crawl.Html;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Crawl.Tests;

/// <summary>
/// Extraction of the real pages in <c>../shared/data/html-multilingual</c> against an independent
/// parse of the same pages (CPython's html.parser, <c>img_alt_reference_extraction.tsv</c>).
/// </summary>
[Trait("Category", "SharedData")]
public class SharedDataExtractionTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.SharedData, "html-multilingual");

    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (var file in File.ReadLines(Path.Combine(Folder, "img_alt_reference_extraction.tsv")).Skip(1).Select(l => l.Split('\t')[0]).Distinct())
        {
            data.Add(file);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Images_and_alt_texts_match_an_independent_parse(string file)
    {
        var expected = File.ReadLines(Path.Combine(Folder, "img_alt_reference_extraction.tsv")).Skip(1)
            .Select(l => l.Split('\t'))
            .Where(p => p[0] == file)
            .Select(p => (Status: p[2], Src: p[3], Alt: p.Length > 4 ? p[4] : string.Empty))
            .ToList();
        var decoded = HtmlDecoder.Decode(File.ReadAllBytes(Path.Combine(Folder, file)));

        var page = AltTextExtractor.Extract(decoded.Text, new Uri("https://example.org/" + file));

        Assert.Equal(expected.Count, page.Images.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var image = page.Images[i];
            string status = image.AltRaw is null ? "MISSING" : image.AltRaw.Length == 0 ? "EMPTY" : "PRESENT";
            Assert.Equal((i, expected[i].Status), (i, status));
            Assert.Equal((i, expected[i].Src), (i, image.SourceAttribute ?? string.Empty));
            if (status == "PRESENT")
            {
                Assert.Equal((i, ArchiveReference.Collapse(expected[i].Alt)), (i, ArchiveReference.Collapse(image.AltRaw!)));
            }
        }
    }
}
