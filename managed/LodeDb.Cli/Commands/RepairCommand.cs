using System.CommandLine;
using LodeDb.Cli.Output;

namespace LodeDb.Cli.Commands;

/// <summary>
/// <c>lodedb repair &lt;path&gt; [--apply] [--json]</c>: a dry run by default (what would be salvaged
/// and lost; exit 1 when there is damage); with <c>--apply</c> it copies the damaged files aside,
/// writes a fresh generation from every record that verifies and exits 0.
/// </summary>
internal static class RepairCommand
{
    public static Command Create(CliContext context)
    {
        var path = new Argument<string>("path") { Description = "Database folder or collection root." };
        var apply = new Option<bool>("--apply") { Description = "Write the repair (default: a dry run that only reports)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per problem, then a summary object." };
        var command = new Command("repair", "Salvage a damaged database: keep every record that verifies, copy the damaged files aside, report what was lost.") { path, apply, json };
        command.SetAction(parsed =>
        {
            bool write = parsed.GetValue(apply);
            RepairReport report = LodeDatabase.Repair(DatabaseOpener.RequireFolder(parsed.GetValue(path)!), new RepairOptions { DryRun = !write });
            bool asJson = parsed.GetValue(json);
            foreach (StorageProblem problem in report.Damage)
            {
                context.Out.WriteLine(asJson ? ProblemJson.Of(problem) : problem.ToString());
            }

            if (asJson)
            {
                context.Out.WriteLine(JsonLine.Build(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("path", report.Path);
                    writer.WriteBoolean("applied", report.Applied);
                    writer.WriteBoolean("nothingToRepair", report.NothingToRepair);
                    writer.WriteNumber("salvaged", report.RecordsSalvaged);
                    writer.WriteNumber("lost", report.RecordsLost);
                    writer.WriteStartArray("lostIds");
                    foreach (string id in report.LostIds)
                    {
                        writer.WriteStringValue(id);
                    }

                    writer.WriteEndArray();
                    writer.WriteNumber("lostWithUnknownIds", report.LostRecordsWithUnknownIds);
                    if (report.BackupFolder is string backup)
                    {
                        writer.WriteString("backup", backup);
                    }

                    writer.WriteEndObject();
                }));
            }
            else if (report.NothingToRepair)
            {
                context.Out.WriteLine($"nothing to repair: {report.RecordsSalvaged} log record(s) verify");
            }
            else
            {
                string lostIds = report.LostIds.Count == 0 ? "" : $" (ids: {string.Join(", ", report.LostIds)})";
                string unknown = report.LostRecordsWithUnknownIds == 0 ? "" : $"; {report.LostRecordsWithUnknownIds} lost record(s) had unreadable ids";
                context.Out.WriteLine($"{(report.Applied ? "repaired" : "a repair would")}: keep {report.RecordsSalvaged} record(s), lose {report.RecordsLost}{lostIds}{unknown}");
                context.Out.WriteLine(report.Applied
                    ? $"the damaged files were copied to {report.BackupFolder}"
                    : $"dry run: nothing was written; run `lodedb repair {report.Path} --apply` to repair");
            }

            return report.Applied || report.NothingToRepair ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }
}
