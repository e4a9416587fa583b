using System.CommandLine;
using LodeDb.Graph;

namespace LodeDb.Cli.Commands.Graph;

/// <summary>
/// The graph a <c>lodedb graph</c> command works on: the graph of a database folder, or of one
/// space of a collection root (<c>--space</c>), opened for what the command does. Reads open the
/// database read-only without a model; searches read-only with its model (the command line's or
/// the one <c>index</c> remembered); writes with the writer lock and the model (the graph embeds
/// node text exactly as the database embeds documents). Disposes the graph, then the database.
/// </summary>
internal sealed class GraphTarget : IDisposable
{
    private readonly DatabaseTarget? _target;
    private readonly LodeDatabase? _single;

    private GraphTarget(DatabaseTarget? target, LodeDatabase? single, LodeGraph graph)
    {
        _target = target;
        _single = single;
        Graph = graph;
    }

    /// <summary>What a command needs of the graph.</summary>
    public enum Access
    {
        /// <summary>Structure only (get, neighbors, khop): read-only, no model loaded.</summary>
        Read,

        /// <summary>Search: read-only, with the database's model.</summary>
        Search,

        /// <summary>Add, remove: the writer lock and the database's model.</summary>
        Write,
    }

    public LodeGraph Graph { get; }

    /// <summary>Opens the graph of <paramref name="path"/> (a database folder or a collection root with <paramref name="space"/>).</summary>
    public static GraphTarget Open(string path, string? space, Access access, ModelOptions models, ParseResult parsed, GraphOptions? options = null)
    {
        string full = DatabaseOpener.RequireFolder(path);
        bool collection = File.Exists(Path.Combine(full, LodeCollection.ManifestFileName));
        if (!collection && !string.IsNullOrEmpty(space))
        {
            throw new CliUsageException($"'{full}' is a single database, not a collection: drop --space.");
        }

        if (!collection && access == Access.Read)
        {
            LodeDatabase single = DatabaseOpener.OpenWithoutModel(full);
            return WithGraph(null, single, single, options);
        }

        var target = DatabaseTarget.Open(full, access != Access.Write, collection ? null : models.LoadEmbedder(parsed, full), parsed.GetValue(models.ModelsDir));
        try
        {
            return WithGraph(target, null, target.Resolve(space), options);
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    private static GraphTarget WithGraph(DatabaseTarget? target, LodeDatabase? single, LodeDatabase database, GraphOptions? options)
    {
        try
        {
            return new GraphTarget(target, single, LodeGraph.Open(database, options));
        }
        catch (DatabaseNotFoundException)
        {
            single?.Dispose();
            throw new CliNotFoundException($"the database {database.Path} has no graph yet. Add a node first: `lodedb graph add-node {database.Path} <id> <label>`.");
        }
        catch
        {
            single?.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Graph.Dispose();
        _single?.Dispose();
        _target?.Dispose();
    }
}
