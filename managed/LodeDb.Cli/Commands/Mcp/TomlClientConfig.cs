using System.Text;
using Tomlyn;
using Tomlyn.Model;

namespace LodeDb.Cli.Commands.Mcp;

/// <summary>
/// Edits Codex's TOML config: a <c>[mcp_servers.NAME]</c> table with <c>command</c> and <c>args</c>.
/// The file is checked with Tomlyn before (malformed: nothing written) and after the edit; the
/// edit itself replaces only the lines of that table (and its sub-tables), so comments, order
/// and formatting of everything else stay byte for byte.
/// </summary>
internal static class TomlClientConfig
{
    /// <summary>The new text of the config with <paramref name="entry"/> set (added or replaced).</summary>
    public static string Install(string path, string? existing, McpServerEntry entry)
    {
        string text = existing ?? "";
        Validate(path, text);
        var block = new StringBuilder();
        block.Append('[').Append("mcp_servers.").Append(Key(entry.Name)).Append("]\n");
        block.Append("command = ").Append(Quote(entry.Command)).Append('\n');
        block.Append("args = [").Append(string.Join(", ", entry.Arguments.Select(Quote))).Append("]\n");
        List<string> lines = SplitLines(text);
        (int start, int end) = FindTable(lines, entry.Name);
        string result;
        if (start < 0)
        {
            string body = string.Join("", lines);
            string separator = body.Length == 0 ? "" : body.EndsWith('\n') ? "\n" : "\n\n";
            result = body + separator + block;
        }
        else
        {
            result = string.Join("", lines.Take(start)) + block + (end < lines.Count ? "\n" : "") + string.Join("", lines.Skip(end));
        }

        CheckWritten(path, result, entry);
        return result;
    }

    /// <summary>The new text without the table of <paramref name="name"/>, or null when there was none.</summary>
    public static string? Uninstall(string path, string? existing, string name)
    {
        if (existing is null)
        {
            return null;
        }

        Validate(path, existing);
        List<string> lines = SplitLines(existing);
        (int start, int end) = FindTable(lines, name);
        if (start < 0)
        {
            return null;
        }

        string result = string.Join("", lines.Take(start)) + string.Join("", lines.Skip(end));
        Validate(path, result);
        return result;
    }

    /// <summary>A TOML basic string: quotes, backslashes and control characters escaped.</summary>
    internal static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                case < ' ' or '\u007f': quoted.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: quoted.Append(c); break;
            }
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>A bare key when it is one (A-Z a-z 0-9 _ -), else quoted.</summary>
    private static string Key(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? name : Quote(name);

    /// <summary>The lines [start, end) of the table mcp_servers.NAME and its sub-tables; (-1, -1) when absent.</summary>
    private static (int Start, int End) FindTable(List<string> lines, string name)
    {
        string[] headers = [$"[mcp_servers.{Key(name)}]", $"[mcp_servers.{Quote(name)}]"];
        string[] subPrefixes = [$"[mcp_servers.{Key(name)}.", $"[mcp_servers.{Quote(name)}."];
        int start = -1;
        for (int i = 0; i < lines.Count; i++)
        {
            string trimmed = StripComment(lines[i]);
            if (start < 0)
            {
                if (headers.Contains(trimmed, StringComparer.Ordinal))
                {
                    start = i;
                }
            }
            else if (trimmed.StartsWith('[') && !subPrefixes.Any(p => trimmed.StartsWith(p, StringComparison.Ordinal)))
            {
                // The table ends at the next header (blank lines and comments before it go with it).
                return (start, i);
            }
        }

        return start < 0 ? (-1, -1) : (start, lines.Count);
    }

    private static string StripComment(string line)
    {
        string trimmed = line.Trim();
        int hash = trimmed.IndexOf(" #", StringComparison.Ordinal);
        return (hash >= 0 && trimmed.StartsWith('[') ? trimmed[..hash] : trimmed).Trim();
    }

    /// <summary>Lines with their line ends, so joining them gives the text back exactly.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        int from = 0;
        while (from < text.Length)
        {
            int newline = text.IndexOf('\n', from);
            int to = newline < 0 ? text.Length : newline + 1;
            lines.Add(text[from..to]);
            from = to;
        }

        return lines;
    }

    private static TomlTable Validate(string path, string text)
    {
        try
        {
            return TomlSerializer.Deserialize<TomlTable>(text) ?? [];
        }
        catch (TomlException e)
        {
            throw new InvalidDataException($"{path} is not valid TOML ({e.Message.ReplaceLineEndings(" ")}); nothing was written. Fix or move the file and run again.");
        }
    }

    /// <summary>The edited text parses and holds exactly the entry (else a bug here: nothing is written).</summary>
    private static void CheckWritten(string path, string text, McpServerEntry entry)
    {
        TomlTable root = Validate(path, text);
        if (root.TryGetValue("mcp_servers", out object? servers) && servers is TomlTable table
            && table.TryGetValue(entry.Name, out object? value) && value is TomlTable server
            && server.TryGetValue("command", out object? command) && Equals(command, entry.Command)
            && server.TryGetValue("args", out object? args) && args is TomlArray array && array.Select(a => a as string).SequenceEqual(entry.Arguments))
        {
            return;
        }

        throw new InvalidDataException($"{path}: the edited TOML did not read back with the [mcp_servers.{entry.Name}] entry (an unusual layout, e.g. an inline mcp_servers table); nothing was written. Add the entry by hand.");
    }
}
