using Spectre.Console;

namespace LodeDb.Cli;

/// <summary>
/// Where a command writes: plain writers for text and JSON, Spectre consoles for tables and
/// progress bars. Progress goes to standard error, and only when it is a terminal, so standard
/// output stays clean for pipes and <c>--json</c>.
/// </summary>
internal sealed class CliContext
{
    public CliContext(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout;
        Error = stderr;
        bool outIsTerminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        bool errIsTerminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        OutConsole = CreateConsole(stdout, outIsTerminal);
        ErrorConsole = CreateConsole(stderr, errIsTerminal);
        ShowProgress = errIsTerminal;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Tables on standard output.</summary>
    public IAnsiConsole OutConsole { get; }

    /// <summary>Progress bars on standard error.</summary>
    public IAnsiConsole ErrorConsole { get; }

    /// <summary>True when standard error is a terminal, where a live progress bar makes sense.</summary>
    public bool ShowProgress { get; }

    /// <summary>Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> steps when <see cref="ShowProgress"/>, else silently.</summary>
    public void WithProgress(string title, double total, Action<Action<double>> work)
    {
        if (!ShowProgress)
        {
            work(_ => { });
            return;
        }

        ErrorConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(progress =>
            {
                ProgressTask task = progress.AddTask(Markup.Escape(title), maxValue: Math.Max(total, 1));
                work(done => task.Value = done);
            });
    }

    private static IAnsiConsole CreateConsole(TextWriter writer, bool terminal)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Redirected output: wide enough that table cells (paths, ids) are not wrapped.
            console.Profile.Width = 160;
        }

        return console;
    }
}
