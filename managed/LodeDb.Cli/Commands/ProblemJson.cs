using LodeDb.Cli.Output;

namespace LodeDb.Cli.Commands;

/// <summary>One <see cref="StorageProblem"/> as a JSON line (verify and repair).</summary>
internal static class ProblemJson
{
    public static string Of(StorageProblem problem) => JsonLine.Build(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("file", problem.File);
        writer.WriteNumber("offset", problem.Offset);
        writer.WriteString("detail", problem.Detail);
        writer.WriteBoolean("damage", problem.IsDamage);
        writer.WriteEndObject();
    });
}
