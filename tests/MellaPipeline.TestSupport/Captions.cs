namespace MellaPipeline.TestSupport;

/// <summary>Real captions in the eight target languages, for tests that need multilingual text.</summary>
public static class Captions
{
    public static readonly IReadOnlyList<(string Lang, string Text)> All =
    [
        ("ar", "سوق التوابل القديم في وسط المدينة"),
        ("ar", "شاطئ البحر الأبيض المتوسط في الصيف"),
        ("cs", "Hrad Karlštejn obklopený podzimními lesy"),
        ("cs", "Tradiční české koláče s povidly a tvarohem"),
        ("hu", "A Lánchíd és a budai vár esti kivilágításban"),
        ("hu", "Töltött káposzta tejföllel egy agyagtálban"),
        ("ko", "제주도 성산일출봉의 아침 풍경"),
        ("ko", "비빔밥 위에 올린 달걀 프라이와 나물"),
        ("ru", "Набережная Невы в Санкт-Петербурге белой ночью"),
        ("ru", "Блины с красной икрой на праздничном столе"),
        ("sr", "Ђердапска клисура на Дунаву у јесен"),
        ("sr", "Sarma od kiselog kupusa u glinenom loncu"),
        ("th", "ผัดไทยกุ้งสดใส่ถั่วงอกและมะนาว"),
        ("th", "พระบรมมหาราชวังในกรุงเทพมหานคร"),
        ("vi", "Phố cổ Hội An lung linh đèn lồng về đêm"),
        ("vi", "Bánh mì kẹp thịt nướng và rau thơm"),
    ];
}
