using System.Diagnostics;
using MellaPipeline.Quality.Packs;

namespace MellaPipeline.Quality.Tests.Packs;

public sealed class PackTokenizerTests
{
    private static readonly XlmRobertaTokenizer Tokenizer = (XlmRobertaTokenizer)PackTextTokenizer.Open(PackTestData.Clip);

    public static TheoryData<string, string> Captions()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in PackTestData.Ids())
        {
            data.Add(row.Lang, row.Text);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Captions))]
    public void Piece_ids_are_spm_encodes(string lang, string text)
    {
        var expected = PackTestData.Ids().Single(r => r.Text == text);
        Assert.Equal(lang, expected.Lang);
        Assert.Equal(expected.Pieces, Tokenizer.PieceIds(text));
    }

    [Theory]
    [MemberData(nameof(Captions))]
    public void Model_ids_follow_XLM_Rs_layout(string lang, string text)
    {
        var expected = PackTestData.Ids().Single(r => r.Text == text);
        var ids = Tokenizer.Encode(text);
        Assert.Equal(expected.ModelIds, ids);
        Assert.Equal(XlmRobertaTokenizer.Begin, ids[0]);
        Assert.Equal(XlmRobertaTokenizer.End, ids[^1]);
        Assert.True(ids.Length <= 32, lang);
    }

    [Fact]
    public void Unknown_pieces_become_3_and_every_other_piece_moves_up_by_one()
    {
        // The Korean caption ends in an emoji the tiny vocabulary does not have (SentencePiece id 0).
        var korean = PackTestData.Ids().First(r => r.Lang == "ko");
        Assert.Contains(0, korean.Pieces);
        var ids = Tokenizer.Encode(korean.Text);
        for (int i = 0; i < korean.Pieces.Length; i++)
        {
            Assert.Equal(korean.Pieces[i] == 0 ? XlmRobertaTokenizer.Unknown : korean.Pieces[i] + 1, ids[i + 1]);
        }
    }

    [Fact]
    public void A_long_caption_is_cut_to_max_length_keeping_the_end_token()
    {
        var longest = PackTestData.Ids().MaxBy(r => r.Pieces.Length);
        Assert.True(longest.Pieces.Length > 30);
        var ids = Tokenizer.Encode(longest.Text);
        Assert.Equal(32, ids.Length);
        Assert.Equal(longest.Pieces[29] + 1, ids[30]);
        Assert.Equal(XlmRobertaTokenizer.End, ids[31]);
    }

    [Fact]
    public void Live_spm_encode_agrees_when_installed()
    {
        // The committed ids make the tests above meaningful anywhere; this re-derives them.
        const string spm = "/usr/bin/spm_encode";
        if (!File.Exists(spm))
        {
            return;
        }

        var start = new ProcessStartInfo(spm, ["--model=" + Path.Combine(PackTestData.ClipFolder, "tokenizer.model"), "--output_format=id"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        var captions = PackTestData.Captions();
        foreach (string caption in captions)
        {
            process.StandardInput.Write(caption + "\n");
        }

        process.StandardInput.Close();
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        Assert.Equal(captions.Count, lines.Length);
        for (int i = 0; i < captions.Count; i++)
        {
            Assert.Equal(lines[i].Split(' ').Select(int.Parse), Tokenizer.PieceIds(captions[i]));
        }
    }
}
