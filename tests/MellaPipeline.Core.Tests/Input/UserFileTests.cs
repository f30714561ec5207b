using MellaPipeline.Images;
using MellaPipeline.Input;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Core.Tests.Input;

/// <summary>The one policy for user files, on real devices, FIFOs, folders and symlinks.</summary>
public class UserFileTests
{
    [Fact]
    public void Devices_fifos_folders_and_links_to_devices_are_told_apart_from_regular_files_without_opening_them()
    {
        using var dir = new TempDir();
        string regular = dir.File("a.png");
        File.WriteAllBytes(regular, [1, 2, 3]);

        Assert.Equal(UserFileKind.RegularFile, UserFile.KindOf(regular));
        Assert.Equal(UserFileKind.RegularFile, UserFile.KindOf(SpecialFiles.Link(dir.File("to-a.png"), regular)));
        Assert.Equal(UserFileKind.Special, UserFile.KindOf(SpecialFiles.Zero));
        Assert.Equal(UserFileKind.Special, UserFile.KindOf(SpecialFiles.Urandom));
        Assert.Equal(UserFileKind.Special, UserFile.KindOf(SpecialFiles.Fifo(dir.File("fifo"))));
        Assert.Equal(UserFileKind.Special, UserFile.KindOf(SpecialFiles.Link(dir.File("zero.png"), SpecialFiles.Zero)));
        Assert.Equal(UserFileKind.Folder, UserFile.KindOf(dir.Path));
        Assert.Equal(UserFileKind.Missing, UserFile.KindOf(dir.File("nothing")));
        Assert.Equal(UserFileKind.Missing, UserFile.KindOf(dir.File("nul\0here")));
    }

    [Theory]
    [InlineData(SpecialFiles.Zero)]
    [InlineData(SpecialFiles.Urandom)]
    [InlineData("fifo")]
    [InlineData("zero-link")]
    [InlineData("folder")]
    public void An_image_that_is_not_a_regular_file_is_refused_unopened(string name)
    {
        using var dir = new TempDir();
        string path = name switch
        {
            "fifo" => SpecialFiles.Fifo(dir.File("fifo.png")),
            "zero-link" => SpecialFiles.Link(dir.File("zero.png"), SpecialFiles.Zero),
            "folder" => dir.Path,
            _ => name,
        };

        var bytes = ImageFile.Read(path, 1 << 20, out string? reason, out string? detail);

        Assert.Null(bytes);
        Assert.Equal("image_not_regular_file", reason);
        Assert.False(string.IsNullOrEmpty(detail));
    }

    [Fact]
    public void The_byte_cap_holds_while_reading_whatever_size_the_file_claims()
    {
        // /proc files are regular files that claim 0 bytes, like a device; this one holds more than 64.
        Assert.Equal(0, new FileInfo("/proc/self/status").Length);

        var bytes = ImageFile.Read("/proc/self/status", 64, out string? reason, out _);
        var read = UserFile.ReadAllBytes("/proc/self/status", 1 << 20);

        Assert.Null(bytes);
        Assert.Equal("image_too_large", reason);
        Assert.True(read.Ok);
        Assert.True(read.Bytes!.Length > 64);
    }

    [Fact]
    public void A_file_that_fails_to_read_is_unreadable_not_an_exception()
    {
        // Reading /proc/self/mem at offset 0 fails with EIO even for root.
        var bytes = ImageFile.Read("/proc/self/mem", 1 << 20, out string? reason, out string? detail);

        Assert.Null(bytes);
        Assert.Equal("image_unreadable", reason);
        Assert.DoesNotContain("Exception", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_text_is_refused_when_not_a_regular_file_too_large_or_not_utf8()
    {
        using var dir = new TempDir();
        string big = dir.File("big.yaml");
        File.WriteAllText(big, new string('#', (int)UserFile.MaxSettingsBytes + 1));
        string binary = dir.File("bin.yaml");
        File.WriteAllBytes(binary, [0x6E, 0x3A, 0x20, 0xFF, 0xFE]);
        string bom = dir.File("bom.yaml");
        File.WriteAllBytes(bom, [0xEF, 0xBB, 0xBF, .. "name: x"u8]);

        Assert.Null(UserFile.ReadAllText(SpecialFiles.Fifo(dir.File("fifo.yaml")), out string? fifo));
        Assert.Contains("not a regular file", fifo, StringComparison.Ordinal);
        Assert.Null(UserFile.ReadAllText(SpecialFiles.Zero, out _));
        Assert.Null(UserFile.ReadAllText(big, out string? tooLarge));
        Assert.Equal($"larger than {UserFile.MaxSettingsBytes} bytes", tooLarge);
        Assert.Null(UserFile.ReadAllText(binary, out string? notText));
        Assert.Equal("not valid UTF-8 text", notText);
        Assert.Equal("name: x", UserFile.ReadAllText(bom, out _));
    }

    [Fact]
    public void Lines_are_numbered_with_blanks_kept_and_an_overlong_or_invalid_line_is_a_problem_not_a_buffer()
    {
        using var dir = new TempDir();
        string path = dir.File("lines.txt");
        File.WriteAllBytes(path, [.. "one\r\n\n"u8, .. Enumerable.Repeat((byte)'x', UserFile.MaxLineBytes + 10), (byte)'\n', 0xFF, (byte)'\n', .. "last\n"u8]);

        var lines = UserFile.ReadLines(path).ToList();

        Assert.Equal([(1, "one", null), (2, "", null)], lines.Take(2));
        Assert.Equal((3, (string?)null), (lines[2].Number, lines[2].Text));
        Assert.Contains("longer than", lines[2].Problem, StringComparison.Ordinal);
        Assert.Equal((4, "line is not valid UTF-8"), (lines[3].Number, lines[3].Problem));
        Assert.Equal((5, "last"), (lines[4].Number, lines[4].Text));
        Assert.Equal(5, lines.Count);
        Assert.Equal([(0, null, "not a regular file (a FIFO, device or socket)")], UserFile.ReadLines(SpecialFiles.Zero));
    }

    [Fact]
    public void A_folder_walk_skips_fifos_and_devices_and_stops_at_its_depth_cap()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.jsonl"), "{}\n");
        SpecialFiles.Fifo(dir.File("fifo.jsonl"));
        SpecialFiles.Link(dir.File("zero.jsonl"), SpecialFiles.Zero);
        string deep = dir.Path;
        for (int i = 0; i <= LineRangeReader.MaxFolderDepth + 1; i++)
        {
            deep = Path.Combine(deep, "d");
        }

        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(deep, "too-deep.jsonl"), "{}\n");
        // A loop: the walk must end anyway, and read nothing twice.
        Directory.CreateSymbolicLink(dir.File("loop"), dir.Path);

        var files = LineRangeReader.ExpandInputs([dir.Path]);

        Assert.Equal([dir.File("a.jsonl")], files.Where(f => f.EndsWith("a.jsonl", StringComparison.Ordinal)));
        Assert.DoesNotContain(files, f => f.EndsWith("fifo.jsonl", StringComparison.Ordinal) || f.EndsWith("zero.jsonl", StringComparison.Ordinal) || f.EndsWith("too-deep.jsonl", StringComparison.Ordinal));
    }

    [Fact]
    public void An_excerpt_is_one_printable_line_that_keeps_real_text_and_escapes_the_rest()
    {
        Assert.Equal("Praha 🏰 \\u001b[31m\\ud800x", UserFile.Excerpt("Praha 🏰 \u001b[31m\ud800x"));
        Assert.Equal("Пра…", UserFile.Excerpt("Прага", 3));
        Assert.Equal("ab…", UserFile.Excerpt("ab🏰cd", 3)); // never cuts a surrogate pair in two
    }
}
