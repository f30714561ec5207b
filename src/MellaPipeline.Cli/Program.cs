using MellaPipeline.Cli;

return await MellaCommandLine.InvokeAsync(args);
