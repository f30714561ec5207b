namespace MellaPipeline.Datasets.Splits;

/// <summary>
/// The user turn of an SFT conversation, in the caption's language and script. Native alt text is
/// short and names what is shown, so its rows ask for a short caption; generated captions are long
/// descriptions, so theirs ask for a detailed one — a model learns which answer each request wants.
/// </summary>
public static class SftInstructions
{
    /// <summary>The placeholder LLaVA-style trainers replace with the image's tokens.</summary>
    public const string ImageToken = "<image>";

    private static readonly Dictionary<string, (string Short, string Detailed)> ByLanguage = new(StringComparer.Ordinal)
    {
        ["ar"] = ("اكتب تعليقًا قصيرًا لهذه الصورة.", "صف هذه الصورة بالتفصيل."),
        ["cs"] = ("Napište krátký popisek k tomuto obrázku.", "Podrobně popište tento obrázek."),
        ["hu"] = ("Írj rövid képaláírást ehhez a képhez.", "Írd le részletesen ezt a képet."),
        ["ko"] = ("이 이미지에 대한 짧은 캡션을 작성해 주세요.", "이 이미지를 자세히 설명해 주세요."),
        ["ru"] = ("Напишите короткую подпись к этому изображению.", "Подробно опишите это изображение."),
        ["sr-Cyrl"] = ("Напишите кратак опис ове слике.", "Детаљно опишите ову слику."),
        ["sr-Latn"] = ("Napišite kratak opis ove slike.", "Detaljno opišite ovu sliku."),
        ["th"] = ("เขียนคำบรรยายสั้น ๆ สำหรับภาพนี้", "อธิบายภาพนี้อย่างละเอียด"),
        ["vi"] = ("Hãy viết một chú thích ngắn cho bức ảnh này.", "Hãy mô tả chi tiết bức ảnh này."),
        ["en"] = ("Write a short caption for this image.", "Describe this image in detail."),
    };

    /// <summary>The instruction for a caption of <paramref name="lang"/> in <paramref name="script"/> from <paramref name="source"/>; English for a language without one.</summary>
    public static string For(string lang, string script, string source)
    {
        string name = lang == "sr" ? (script == "Latn" ? "sr-Latn" : "sr-Cyrl") : lang;
        var (brief, detailed) = ByLanguage.GetValueOrDefault(name, ByLanguage["en"]);
        // Model and fused captions are paragraphs; alt text is a line.
        return source is Records.PairSources.Mllm or Records.PairSources.Fused ? detailed : brief;
    }
}
