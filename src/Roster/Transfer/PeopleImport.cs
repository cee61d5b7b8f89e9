using Microsoft.EntityFrameworkCore;
using Roster.Accounts;
using Roster.Audit;
using Roster.Data;

namespace Roster.Transfer;

/// <summary>
/// Importing people, groups and apps from a file (PRODUCT.md section 11): the same check for a dry run and for the real
/// thing, and then all or nothing. Every row is checked before anything is written; any problem stops the whole import,
/// and the writing happens in one transaction.
/// </summary>
public sealed class PeopleImport(RosterDb db, PeopleCheck people, GroupsCheck groups, AppsCheck apps, AuditLog audit)
{
    /// <summary>Files larger than this are refused before they are read: 256 MiB holds well over a million people.</summary>
    public const long MaxFileBytes = 256L * 1024 * 1024;

    private const int Batch = 1000;

    /// <summary>What the import would do, writing nothing.</summary>
    public async Task<Result<ImportPlan>> PreviewAsync(Actor actor, ImportFormat format, string text, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return TransferErrors.Forbidden;
        return Result<ImportPlan>.Ok((await PrepareAsync(actor, format, text, cancellationToken)).Plan());
    }

    /// <summary>
    /// Imports the file, or nothing when any row has a problem (the plan then lists them). With <paramref name="expectedDigest"/>,
    /// only if the import still does exactly what a preview showed.
    /// </summary>
    public async Task<Result<ImportPlan>> ImportAsync(Actor actor, ImportFormat format, string text, string? source, string? expectedDigest = null, CancellationToken cancellationToken = default)
    {
        if (!Permissions.IsAdmin(actor.Role))
            return TransferErrors.Forbidden;
        var prepared = await PrepareAsync(actor, format, text, cancellationToken);
        var plan = prepared.Plan();
        if (!plan.Succeeded)
            return Result<ImportPlan>.Ok(plan);
        if (expectedDigest is not null && expectedDigest != plan.Digest)
            return TransferErrors.Changed;
        try
        {
            await WriteAsync(actor, prepared, plan, source, cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return TransferErrors.Changed;
        }
        return Result<ImportPlan>.Ok(plan);
    }

    private async Task<PreparedImport> PrepareAsync(Actor actor, ImportFormat format, string text, CancellationToken cancellationToken)
    {
        var source = ImportFormats.Read(format, text);
        var prepared = new PreparedImport();
        prepared.Problems.AddRange(source.Problems);
        await people.CheckAsync(actor, source, prepared, cancellationToken);
        await groups.CheckAsync(source, prepared, cancellationToken);
        await apps.CheckAsync(source, prepared, cancellationToken);
        return prepared;
    }

    private async Task WriteAsync(Actor actor, PreparedImport prepared, ImportPlan plan, string? source, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Saved in batches and let go of after each, so a large import holds one batch in memory, not every person.
        foreach (var chunk in prepared.People.Chunk(Batch))
        {
            db.Users.AddRange(chunk);
            foreach (var user in chunk)
                audit.Record(AuditActions.UserImported, actor, user, source);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        db.TwoFactorKeys.AddRange(prepared.TwoFactorKeys);
        db.RecoveryCodes.AddRange(prepared.RecoveryCodes);
        db.Groups.AddRange(prepared.Groups);
        foreach (var group in prepared.Groups)
            audit.Record(AuditActions.GroupCreated, actor, details: $"{group.Name} (imported)");
        await db.SaveChangesAsync(cancellationToken);
        foreach (var chunk in prepared.Memberships.Chunk(Batch * 5))
        {
            db.GroupMembers.AddRange(chunk);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        db.Apps.AddRange(prepared.Apps);
        db.AppGroups.AddRange(prepared.AppGroups);
        db.AppOperators.AddRange(prepared.AppOperators);
        db.AppRoles.AddRange(prepared.AppRoles);
        db.AppRoleHolders.AddRange(prepared.AppRoleHolders);
        foreach (var app in prepared.Apps)
            audit.Record(AuditActions.AppRegistered, actor, details: $"{app.Name} (imported)");
        audit.Record(AuditActions.ImportCompleted, actor, details:
            $"{source ?? "import"}: {plan.Count(ImportAction.Create)} created, {plan.Count(ImportAction.Change)} changed, {plan.Count(ImportAction.Skip)} skipped; " +
            $"{prepared.People.Count} people, {prepared.Groups.Count} groups, {prepared.Memberships.Count} memberships, {prepared.Apps.Count} apps added");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
