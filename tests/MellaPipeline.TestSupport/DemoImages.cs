namespace MellaPipeline.TestSupport;

/// <summary>
/// The photographs of <c>pipelines/demo/images/</c>: real photos from Debian's lomiri-wallpapers packages,
/// downscaled (licences and authors in <c>pipelines/demo/LICENSES/README.md</c>). A resized copy is the same
/// photo at a smaller size, served again so the demo has true near duplicates.
/// </summary>
public static class DemoImages
{
    public static string Folder => Path.Combine(RepoPaths.Root, "pipelines", "demo", "images");

    public static string LicenceTable => Path.Combine(RepoPaths.Root, "pipelines", "demo", "LICENSES", "README.md");

    /// <summary>Each resized copy and the photo it was made from.</summary>
    public static readonly IReadOnlyDictionary<string, string> ResizedCopies = new Dictionary<string, string>
    {
        ["aitzgorri-480.jpg"] = "aitzgorri.jpg",
        ["bridge-cables-480.jpg"] = "bridge-cables.jpg",
        ["dandelions-320.jpg"] = "dandelions.jpg", // the Korean page's copy of the Thai page's photo
        ["dandelions-400.jpg"] = "dandelions.jpg", // the Thai page's second, smaller figure
        ["dogs-480.jpg"] = "dogs.jpg",
        ["sunset-240.jpg"] = "sunset.jpg",         // the site's footer on every page
        ["wine-djembe-320.jpg"] = "wine-djembe.jpg",
    };

    public static string PathOf(string fileName) => Path.Combine(Folder, fileName);
}
