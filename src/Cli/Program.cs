using BoundLab.Cli;

return CommandLine.Run(args);
