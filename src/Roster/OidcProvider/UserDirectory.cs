using Microsoft.EntityFrameworkCore;
using Roster.Apps;
using Roster.Data;
using Roster.Oidc;

namespace Roster.OidcProvider;

/// <summary>People as apps see them, behind the one access rule: <see cref="AppAccessPolicy"/> decides who may use which app.</summary>
public sealed class UserDirectory(Lazy<RosterDb> database, AppAccessPolicy access, Links links) : IUserDirectory
{
    private RosterDb db => database.Value;

    public async Task<bool> MayUseAsync(string subject, OidcClient client, CancellationToken cancellationToken) =>
        Subject.TryRead(subject, out var id) && await access.MayUseAsync(id, client.ClientId, cancellationToken);

    public async Task<OidcUser?> FindUsableAsync(string subject, OidcClient client, CancellationToken cancellationToken)
    {
        if (!Subject.TryRead(subject, out var id))
            return null;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null || !await access.UsableBy(user).AnyAsync(app => app.ClientId == client.ClientId, cancellationToken))
            return null;
        // The person's groups and their roles in this app, in one round trip (UNION ALL): both go into every sign-in.
        var names = await db.GroupMembers.Where(m => m.UserId == id)
            .Join(db.Groups, m => m.GroupId, g => g.Id, (_, g) => new { IsRole = false, g.Name })
            .Concat(AppRoles.HeldBy(db, id).Where(r => db.Apps.Any(a => a.Id == r.AppId && a.ClientId == client.ClientId)).Select(r => new { IsRole = true, r.Name }))
            .ToListAsync(cancellationToken);
        var groups = names.Where(n => !n.IsRole).Select(n => n.Name).Order(StringComparer.Ordinal).ToList();
        var roles = names.Where(n => n.IsRole).Select(n => n.Name).Order(StringComparer.Ordinal).ToList();
        // One round trip for both: every sign-in to every app reads them, whichever scopes it asked for.
        var extras = await db.Users.Where(u => u.Id == id).Select(_ => new
        {
            Avatar = db.Avatars.Where(a => a.UserId == id).Select(a => (DateTime?)a.UpdatedAt).FirstOrDefault(),
            // The person's own mailbox: the oldest of their enabled ones, as their mailing lists deliver to.
            Mailbox = db.Mailboxes.Where(m => m.UserId == id && m.Enabled).OrderBy(m => m.CreatedAt).Select(m => m.Address).FirstOrDefault(),
        }).SingleOrDefaultAsync(cancellationToken);
        if (extras is null)
            return null;
        // The version in the address changes with the picture, so apps that cache by URL pick up a new one.
        var picture = extras.Avatar is { } updated ? links.Absolute($"/avatar/{id}?v={updated.Ticks:x}") : null;
        return new OidcUser(Subject.Of(user.Id), user.Name, user.UserName ?? user.Email ?? user.Id.ToString(), user.Email, user.EmailConfirmed, picture, groups, extras.Mailbox, roles);
    }
}
