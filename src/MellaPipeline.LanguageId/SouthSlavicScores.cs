namespace MellaPipeline.LanguageId;

/// <summary>n-gram evidence for Latin text among Serbian (from the transliterated model), Croatian and Bosnian.</summary>
/// <remarks>Confidences in [0, 1] summing to 1 (all 0 when the text has no letters), computed as Lingua computes them, over these three languages only.</remarks>
public readonly record struct SouthSlavicScores(double Serbian, double Croatian, double Bosnian);
