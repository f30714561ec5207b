using System.CommandLine;
using MellaPipeline.Images;
using MellaPipeline.Imaging;

namespace MellaPipeline.Cli.Commands;

/// <summary><c>mella phash FILE...</c>: perceptual hashes, <c>HEX16&lt;TAB&gt;PATH</c> per image.</summary>
public static class PhashCommand
{
    public static Command Build()
    {
        var files = new Argument<string[]>("FILE") { Description = "Image files (JPEG, PNG, GIF, WebP).", Arity = ArgumentArity.OneOrMore }.AsPath();
        var decoder = new Option<string>("--decoder")
        {
            Description = "Image decoder: skiasharp (default), imagesharp or vips (libvips), as load_images.decoder (see docs/IMAGE_DECODERS.md). " +
                "The hash is defined on the decoded pixels, so decoders agree up to a few bits.",
            DefaultValueFactory = _ => ImageHasher.DecoderNames[0],
        }.OneOf(ImageHasher.DecoderNames);
        var command = new Command("phash",
            "64-bit perceptual hashes (" + PerceptualHash.Definition + "), one line per input in input order: 16 lowercase hex digits, a tab, the path as given. " +
            "An input that cannot be read or decoded gives \"error<TAB>PATH<TAB>reason_code\" instead, and the exit code is then 1. Files are hashed on all cores.")
        { files, decoder };

        command.SetAction(async (parse, cancellationToken) =>
        {
            bool failed = false;
            var paths = parse.GetValue(files)!;
            string decoderName = parse.GetValue(decoder)!;
            if (ImageHasher.DecoderProblem(ImageHasher.KindNamed(decoderName)) is { } problem)
            {
                await Console.Error.WriteLineAsync($"mella phash: --decoder {decoderName}: {problem}");
                return ExitCodes.BadInput;
            }

            var processor = new ImageProcessor(ImageHasher.DecoderNamed(decoderName)) { ComputeWindows = false };
            await using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            int index = 0;
            foreach (var result in ImageFileHasher.HashInOrder(paths, processor, Environment.ProcessorCount, cancellationToken))
            {
                failed |= result.Hash is null;
                await output.WriteLineAsync(result.Line(paths[index++]));
            }

            return failed ? ExitCodes.CheckFailed : ExitCodes.Success;
        });
        return command;
    }
}
