namespace LodeDb.Diagnostics;

/// <summary>Whether a preset's model files are in its local model folder.</summary>
/// <param name="Name">Preset name (<c>minilm</c>, <c>bge</c>, ...).</param>
/// <param name="Repository">Hugging Face repository the files come from.</param>
/// <param name="Folder">The folder the preset is loaded from (and pulled into).</param>
/// <param name="Files">Every file the preset needs ('/' separated, relative to <paramref name="Folder"/>).</param>
/// <param name="MissingFiles">The files of <paramref name="Files"/> that are not there.</param>
public sealed record PresetModelStatus(
    string Name,
    string Repository,
    string Folder,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> MissingFiles)
{
    /// <summary>True when every file is there.</summary>
    public bool IsPresent => MissingFiles.Count == 0;
}
