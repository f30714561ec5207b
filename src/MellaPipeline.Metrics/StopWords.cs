namespace MellaPipeline.Metrics;

/// <summary>
/// Function words per language, left out of extracted keywords, plus the words captions use for
/// "photo" and "image", which say nothing of what is shown. Written as the keyword normaliser
/// leaves them (lower case; Serbian in Latin letters; Arabic without diacritics).
/// </summary>
public static class StopWords
{
    private static readonly Dictionary<string, HashSet<string>> ByLanguage = new(StringComparer.Ordinal)
    {
        ["ar"] = Set("في من على الى إلى عن مع هذا هذه ذلك تلك التي الذي الذين و او ثم قد كان كانت هو هي هم عند بين كل بعد قبل حول مثل ما لا ان أن لم لن صورة الصورة صور"),
        ["cs"] = Set("a i v ve na s se z ze do od o u k ke za pro po při je jsou byl byla to ten ta tento tato toto který která které nebo ale jak jako že si už jen fotografie foto obrázek snímek"),
        ["hu"] = Set("a az egy és is de vagy hogy nem ez ezt azt van volt meg el ki be fel le mint már csak még ahol amely aki fotó kép képen fénykép"),
        ["ko"] = Set("이 그 저 것 수 등 및 또는 그리고 있는 있다 하는 한 위한 대한 통해 사진 이미지 모습"),
        ["ru"] = Set("и в во на с со к ко по из у о об от до за для при это этот эта эти что как а но или не же бы ли то так фото фотография изображение снимок"),
        ["sr"] = Set("i u na sa s za od do iz o po je su bio bila to taj ta ovo ova ovaj ili a ali kao da se što koji koja koje fotografija slika fotka"),
        ["th"] = Set("ที่ และ ใน ของ กับ จาก เป็น มี ได้ ให้ โดย การ ความ นี้ นั้น หรือ แต่ ซึ่ง อยู่ ไป มา ก็ จะ ว่า ภาพ รูป รูปภาพ"),
        ["vi"] = Set("là và của có các những một trong với cho được này đó ở tại trên dưới từ khi thì mà hoặc như để ảnh hình bức"),
        ["en"] = Set("a an the of in on at to for with and or is are was were this that these those by from as it its be photo image picture"),
    };

    private static readonly HashSet<string> None = [];

    public static IReadOnlySet<string> For(string lang) => ByLanguage.GetValueOrDefault(lang, None);

    private static HashSet<string> Set(string words) => new(words.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
}
