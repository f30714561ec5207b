using System.Text.Json;
using MellaPipeline.Quality.Packs;
using MellaPipeline.TestSupport;

namespace MellaPipeline.Quality.Tests.Packs;

public sealed class ClipBpeTokenizerTests : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>A CLIP-layout vocabulary small enough to follow by hand: bytes, their word-final forms, two merges.</summary>
    private ClipBpeTokenizer Tokenizer(int maxLength = 8)
    {
        string[] tokens = ["a", "c", "t", "s", "!", "a</w>", "c</w>", "t</w>", "s</w>", "!</w>", "ca", "cat</w>", "<|startoftext|>", "<|endoftext|>"];
        File.WriteAllText(_dir.File("vocab.json"), JsonSerializer.Serialize(tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i)));
        File.WriteAllText(_dir.File("merges.txt"), "#version: 0.2\nc a\nca t</w>\n");
        return new ClipBpeTokenizer(_dir.File("vocab.json"), _dir.File("merges.txt"), maxLength, lowercase: true);
    }

    [Fact]
    public void Words_are_lowercased_merged_and_wrapped_in_start_and_end()
    {
        // <|startoftext|> a</w> cat</w> !</w> <|endoftext|>: "CAT" lowercased and merged, "!" its own word.
        Assert.Equal([12L, 5, 11, 9, 13], Tokenizer().Encode("A  CAT!"));
    }

    [Fact]
    public void Html_entities_are_unescaped_and_words_without_merges_stay_bytes()
    {
        // "cats": c a t s → "ca" merges, "t" and "s</w>" stay (no "cat" without the word end).
        Assert.Equal([12L, 10, 2, 8, 9, 13], Tokenizer().Encode("cats&#33;"));
    }

    [Fact]
    public void Long_text_keeps_the_end_token_and_pads_with_zero()
    {
        var tokenizer = Tokenizer(maxLength: 4);
        Assert.Equal([12L, 11, 11, 13], tokenizer.Encode("cat cat cat cat"));
        Assert.Equal(0L, tokenizer.PadId);
    }

    public void Dispose() => _dir.Dispose();
}
