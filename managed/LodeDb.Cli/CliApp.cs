using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using LodeDb.Cli.Commands;
using LodeDb.Cli.Output;
using LodeDb.Embeddings.Onnx;
using LodeDb.Native;

namespace LodeDb.Cli;

/// <summary>
/// The <c>lodedb</c> command line, callable in process: <see cref="Run"/> parses the arguments,
/// runs the command and returns the exit code (<see cref="ExitCodes"/>). Expected errors are one
/// line on standard error, <c>lodedb: error: &lt;message&gt;</c>, with the fix when it is known;
/// never a stack trace.
/// </summary>
public static class CliApp
{
    /// <summary>Printed after the help of every command.</summary>
    internal const string HelpEpilogue = """
        Exit codes:
          0  success (doctor: healthy)
          1  failure at run time (I/O, corrupt or mismatched database, failed download, doctor: a check failed)
          2  usage error (unknown command or option, invalid argument or filter, a value the database refuses)
          3  database or model not found (doctor: a preset given with --require is missing)

        Environment:
          LODEDB_MODEL_DIR             models root (default: the per-user cache)
          LODEDB_HF_ENDPOINT           hub address for `models pull` (default https://huggingface.co)
          LODEDB_DURABILITY            fast | fsync
          LODEDB_COMMIT_MODE           wal | generation
          LODEDB_PERSIST_LOCK_TIMEOUT  seconds to wait for another writer (default 30)
          LODEDB_MAX_IMAGE_PIXELS      largest image accepted, in pixels (default 67108864)
          LODEDB_SIMD                  scalar | avx2 | avx512 | neon | auto (default: the best supported; doctor flags other values)
        """;

    /// <summary>Runs <c>lodedb</c> with <paramref name="args"/>, writing to the given writers; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        OnnxRuntimeLog.Install();
        var context = new CliContext(stdout, stderr);
        RootCommand root = BuildRoot(context);
        ParseResult parsed = root.Parse(args);
        // `lodedb query --help` parses with errors (the missing arguments) but asks for help: show it.
        if (parsed.Errors.Count > 0 && parsed.Action is not (EpilogueHelpAction or HelpAction))
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"lodedb: error: {error.Message}");
            }

            stderr.WriteLine($"Run '{HelpCommandFor(parsed)} --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            (int code, string message) = Describe(e);
            stderr.WriteLine($"lodedb: error: {message}");
            return code;
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }
    }

    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("LodeDb: an embedded vector database in a folder. Index files, query them, check the installation.")
        {
            DoctorCommand.Create(context),
            ModelsCommand.Create(context),
            IndexCommand.Create(context),
            QueryCommand.Create(context),
            Commands.Documents.GetCommand.Create(context),
            Commands.Documents.ListCommand.Create(context),
            Commands.Documents.RemoveCommand.Create(context),
            StatsCommand.Create(context),
            VerifyCommand.Create(context),
            RepairCommand.Create(context),
            Commands.Export.ExportCommand.Create(context),
            Commands.Export.ImportCommand.Create(context),
            Commands.Mcp.McpCommand.Create(context),
            Commands.Serve.ServeCommand.Create(context),
            Commands.Graph.GraphCommand.Create(context),
            BenchCommand.Create(context),
        };

        // The help of every command ends with the exit codes and the environment variables.
        foreach (HelpOption help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction inner)
            {
                help.Action = new EpilogueHelpAction(inner);
            }
        }

        return root;
    }

    /// <summary>The exit code and the one-line message of an error thrown by a command.</summary>
    internal static (int Code, string Message) Describe(Exception e) => e switch
    {
        CliUsageException => (ExitCodes.Usage, e.Message),
        CliNotFoundException => (ExitCodes.NotFound, e.Message),
        InvalidFilterException filter => (ExitCodes.Usage, $"invalid --filter: {WithoutParameterName(filter)}"),
        ModelNotFoundException => (ExitCodes.NotFound, e.Message),
        DatabaseNotFoundException => (ExitCodes.NotFound, e.Message),
        LodeDb.Graph.GraphEndpointNotFoundException => (ExitCodes.NotFound, e.Message),
        ModelDownloadException => (ExitCodes.Failure, e.Message),
        LodeDbException or EmbeddingModelException => (ExitCodes.Failure, e.Message),
        // The library refuses a value the user gave (a blank label, a vector of the wrong dimension,
        // a reserved metadata key): the input is wrong, not the run, so it is a usage error.
        ArgumentException argument => (ExitCodes.Usage, WithoutParameterName(argument)),
        InvalidOperationException or NotSupportedException => (ExitCodes.Failure, e.Message),
        // InvalidDataException (a damaged import file, a malformed client config) is not an IOException.
        IOException or UnauthorizedAccessException or InvalidDataException => (ExitCodes.Failure, e.Message),
        OperationCanceledException => (ExitCodes.Failure, "cancelled."),
        DllNotFoundException or TypeInitializationException => (ExitCodes.Failure, $"{e.Message} Run `lodedb doctor` to see which native library did not load."),
        _ => (ExitCodes.Failure, $"{e.Message} ({e.GetType().Name}; this is unexpected, please report it)"),
    };

    /// <summary>The message without the " (Parameter 'x')" that .NET appends: a C# parameter name means nothing on a command line.</summary>
    internal static string WithoutParameterName(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    private static string HelpCommandFor(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "lodedb" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    private sealed class EpilogueHelpAction(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int code = inner.Invoke(parseResult);
            // The default help already ends with an empty line.
            parseResult.InvocationConfiguration.Output.WriteLine(HelpEpilogue);
            return code;
        }
    }
}
