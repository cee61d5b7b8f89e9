using Roster.Apps;
using Roster.Groups;

namespace Roster.Transfer;

/// <summary>An import checked against the directory: the plan to show, and the rows to write if it has no problems.</summary>
public sealed class PreparedImport
{
    public List<ImportLine> Lines { get; } = [];
    public List<ImportProblem> Problems { get; } = [];
    public List<User> People { get; } = [];
    public List<Group> Groups { get; } = [];
    public List<GroupMember> Memberships { get; } = [];
    public List<App> Apps { get; } = [];
    public List<Roster.Accounts.TwoFactorKey> TwoFactorKeys { get; } = [];
    public List<Roster.Accounts.RecoveryCode> RecoveryCodes { get; } = [];
    public List<AppGroup> AppGroups { get; } = [];
    public List<AppOperator> AppOperators { get; } = [];
    public List<AppRole> AppRoles { get; } = [];
    public List<AppRoleHolder> AppRoleHolders { get; } = [];

    /// <summary>Every username the import ends up knowing, normalised: existing people and new ones, with their ids.</summary>
    public Dictionary<string, Guid> PeopleByName { get; } = [];

    /// <summary>Every group name, normalised, with its id: existing groups and new ones.</summary>
    public Dictionary<string, Guid> GroupsByName { get; } = [];

    public ImportPlan Plan() => new([.. Lines.OrderBy(l => l.Line)], [.. Problems.OrderBy(p => p.Line)]);
}
