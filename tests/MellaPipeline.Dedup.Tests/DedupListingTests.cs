using System.Text;
using System.Text.Json;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Dedup.Tests;

/// <summary>What <c>mella dedup</c> lists, run in-process: the hash reader, the two keep rules and the JSONL.</summary>
public class DedupListingTests
{
    [Fact]
    public void The_hash_reader_keeps_good_lines_and_reports_the_others_by_line_number()
    {
        using var dir = new TempDir();
        string path = dir.File("hashes.tsv");
        File.WriteAllText(path, "00000000000000ff\ta.jpg\r\n\nnot a hash\n0000000000000001\tb \"c\".jpg\n000000000000000g\tx\n00000000000000ff\t\n");

        var list = HashList.Read(path, out var problems);

        Assert.Equal(2, list.Count);
        Assert.Equal(new[] { 0xffUL, 1UL }, list.Hashes.Take(list.Count));
        Assert.Equal("a.jpg", Encoding.UTF8.GetString(list.Id(0)));
        Assert.Equal("b \"c\".jpg", Encoding.UTF8.GetString(list.Id(1)));
        Assert.Equal(
            new[] { "3: expected HEX16<TAB>ID, got \"not a hash\"", "5: expected HEX16<TAB>ID, got \"000000000000000g\tx\"", "6: expected HEX16<TAB>ID, got \"00000000000000ff\t\"" },
            problems);
    }

    [Fact]
    public void With_hashes_the_first_member_in_input_order_is_kept_and_names_the_cluster()
    {
        Assert.Equal(new[] { 0, 0, 2, 0 }, ListingKeep.FirstInInput([0, 0, 2, 0]));
    }

    [Fact]
    public void With_images_the_largest_is_kept_then_the_first_of_equal_size()
    {
        long[] pixels = [100, 400, 50, 400, 10];

        Assert.Equal(new[] { 1, 1, 2, 1, 2 }, ListingKeep.LargestThenFirst([0, 0, 2, 0, 2], k => pixels[k]));
    }

    [Fact]
    public async Task A_hash_list_is_listed_in_input_order_with_json_escaped_ids()
    {
        using var dir = new TempDir();
        string path = dir.File("hashes.tsv");
        File.WriteAllText(path, "0000000000000000\tfirst\n0000000000000003\tsecond \"q\"\nffffffffffffffff\tfar\n");
        var output = new MemoryStream();

        var result = await HashListDedup.RunAsync(path, 2, () => output, CancellationToken.None);

        Assert.Equal((3, 2), (result.Hashes, result.Clusters));
        Assert.Empty(result.Problems);
        Assert.Equal(
            new (string?, string?, bool)[] { ("first", "first", true), ("second \"q\"", "first", false), ("far", "far", true) },
            Lines(output).Select(l => (l.GetProperty("id").GetString(), l.GetProperty("cluster").GetString(), l.GetProperty("keep").GetBoolean())));
    }

    [Fact]
    public async Task An_image_folder_keeps_the_largest_copy_and_reports_what_it_cannot_decode()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("sub"));
        File.WriteAllBytes(dir.File("a-small.png"), SyntheticPng.CreateResized(96, 96, 7, 48, 48));
        File.WriteAllBytes(dir.File(Path.Combine("sub", "b-large.png")), SyntheticPng.Create(96, 96, 7));
        File.WriteAllBytes(dir.File("c-other.png"), SyntheticPng.Create(96, 96, 8));
        File.WriteAllText(dir.File("d-broken.jpg"), "not an image");
        File.WriteAllText(dir.File("notes.txt"), "not looked at");
        var output = new MemoryStream();

        var result = await ImageFolderDedup.RunAsync(dir.Path, 10, () => output, CancellationToken.None);

        Assert.Equal((4, 3, 2), (result.Images, result.Hashed, result.Clusters));
        var failure = Assert.Single(result.Failures);
        Assert.Equal(dir.File("d-broken.jpg"), failure.Path);
        Assert.False(string.IsNullOrEmpty(failure.Reason));
        string large = Path.Combine("sub", "b-large.png");
        Assert.Equal(
            new (string?, string?, bool)[] { ("a-small.png", large, false), ("c-other.png", "c-other.png", true), (large, large, true) },
            Lines(output).Select(l => (l.GetProperty("path").GetString(), l.GetProperty("cluster").GetString(), l.GetProperty("keep").GetBoolean())));
    }

    private static List<JsonElement> Lines(MemoryStream output) =>
        [.. Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];
}
