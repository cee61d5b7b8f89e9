using System.Security.Cryptography;
using System.Text;

namespace Roster.Transfer;

public enum ImportAction
{
    Create,
    Change,
    Skip,
}

/// <summary>One thing the import does (or would do), with the file line it comes from.</summary>
public sealed record ImportLine(int Line, string Kind, string Name, ImportAction Action, string Note);

/// <summary>
/// What an import does: each person, group and app created, changed or skipped, or the problems that stop it. The
/// dry run shows exactly this; <see cref="Digest"/> lets a confirm step check that the import still does what was previewed.
/// </summary>
public sealed record ImportPlan(IReadOnlyList<ImportLine> Lines, IReadOnlyList<ImportProblem> Problems)
{
    public int Count(ImportAction action) => Lines.Count(l => l.Action == action);

    public bool Succeeded => Problems.Count == 0;

    public string Summary =>
        $"{Count(ImportAction.Create)} to create, {Count(ImportAction.Change)} to change, {Count(ImportAction.Skip)} to skip" +
        (Problems.Count > 0 ? $", {Problems.Count} problem{(Problems.Count == 1 ? "" : "s")}" : "");

    public string Digest => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join("\n", Lines.Select(l => $"{l.Line}\t{l.Kind}\t{l.Name}\t{l.Action}\t{l.Note}")))));
}
