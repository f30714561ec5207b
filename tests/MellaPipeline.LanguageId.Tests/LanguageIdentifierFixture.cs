namespace MellaPipeline.LanguageId.Tests;

/// <summary>Loads the models once for all tests of a class (a few seconds).</summary>
public sealed class LanguageIdentifierFixture
{
    public LanguageIdentifier Identifier { get; } = LanguageIdentifier.Create();
}
