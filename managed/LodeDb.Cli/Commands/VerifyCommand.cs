using System.CommandLine;
using LodeDb.Cli.Output;

namespace LodeDb.Cli.Commands;

/// <summary><c>lodedb verify &lt;path&gt; [--json]</c>: a read-only audit of a database folder or collection root; exit 0 clean, 1 damaged.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("path") { Description = "Database folder or collection root." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per problem, then a summary object." };
        var command = new Command("verify", "Audit every file of a database without changing it: root, generations, log frames, rows, sidecar, collection manifest.") { path, json };
        command.SetAction(parsed =>
        {
            VerifyReport report = LodeDatabase.Verify(DatabaseOpener.RequireFolder(parsed.GetValue(path)!));
            bool asJson = parsed.GetValue(json);
            foreach (StorageProblem problem in report.Problems)
            {
                context.Out.WriteLine(asJson ? ProblemJson.Of(problem) : problem.ToString());
            }

            int damaged = report.Problems.Count(problem => problem.IsDamage);
            if (asJson)
            {
                context.Out.WriteLine(JsonLine.Build(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("path", report.Path);
                    writer.WriteBoolean("clean", report.IsClean);
                    writer.WriteNumber("indexes", report.Indexes);
                    writer.WriteNumber("records", report.Records);
                    writer.WriteNumber("damaged", damaged);
                    writer.WriteEndObject();
                }));
            }
            else
            {
                context.Out.WriteLine(report.IsClean
                    ? $"clean: {report.Indexes} index(es), {report.Records} log record(s) checked"
                    : $"damaged: {damaged} problem(s) in {report.Path}; `lodedb repair {report.Path}` shows what a repair would salvage");
            }

            return report.IsClean ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
