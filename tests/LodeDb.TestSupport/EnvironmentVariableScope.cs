namespace LodeDb.TestSupport;

/// <summary>Sets an environment variable for the life of a test and restores the old value. Shared with the CLI tests.</summary>
public sealed class EnvironmentVariableScope : IDisposable
{
    private readonly string _name;
    private readonly string? _old;

    public EnvironmentVariableScope(string name, string? value)
    {
        _name = name;
        _old = Environment.GetEnvironmentVariable(name);
        Set(value);
    }

    public void Set(string? value) => Environment.SetEnvironmentVariable(_name, value);

    public void Dispose() => Environment.SetEnvironmentVariable(_name, _old);
}
