using MellaPipeline.LanguageId.Compiler;

// Compiles the models of every script group (or only --group NAME) into OUT/<group>.ngrams.
//   dotnet MellaPipeline.LanguageId.Compiler.dll --models <Lingua LanguageModels folder> --out <folder> [--group latin]
string? models = null, output = null, only = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--models": models = args[i + 1]; break;
        case "--out": output = args[i + 1]; break;
        case "--group": only = args[i + 1]; break;
    }
}

if (models is null || output is null || !Directory.Exists(models))
{
    Console.Error.WriteLine("usage: --models <Lingua LanguageModels folder> --out <folder> [--group NAME]");
    return 2;
}

Directory.CreateDirectory(output);
foreach (var group in ModelGroups.All.Where(g => only is null || g.Name == only))
{
    string path = Path.Combine(output, MellaPipeline.LanguageId.Models.NgramFileFormat.FileName(group.Name));
    long length = GroupCompiler.Compile(group, models, path);
    Console.WriteLine($"{group.Name}: {group.Languages.Count} languages, {length:N0} bytes -> {path}");
}

return 0;
