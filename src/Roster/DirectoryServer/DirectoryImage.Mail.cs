using Roster.Ldap;

namespace Roster.DirectoryServer;

// The mail directory's entries (ou=mail), made at lookup from the mail rows and the people and groups as they are now.
public sealed partial class DirectoryImage
{
    private MailImage mail = MailImage.Empty;

    /// <summary>The person a mailbox's address lets sign in (a mail server binds as the mailbox): an enabled mailbox of a listed person.</summary>
    public (Guid UserId, string Username)? MailboxOwner(string address) =>
        mail.Holder(address) is MailImage.MailboxRow { Enabled: true, UserId: { } userId } mailbox
        && string.Equals(mailbox.Address, address, StringComparison.OrdinalIgnoreCase)
        && people.TryGetValue(userId, out var person)
            ? (userId, person.Row.Username)
            : null;

    /// <summary>Every object class a mail entry has: a search that asks for another can skip ou=mail.</summary>
    private static readonly HashSet<string> MailClasses = new(StringComparer.OrdinalIgnoreCase)
        { "top", "rosterMailDomain", "domainRelatedObject", "rosterMailbox", "inetLocalMailRecipient", "nisMailAlias", "rosterMailingList" };

    /// <summary>Attributes only people and groups have: an equality on one of them matches no mail entry.</summary>
    private static readonly AttributeType[] NotOnMail =
        [Schema.Uid, Schema.Mail, Schema.UidNumber, Schema.GidNumber, Schema.MemberOf, Schema.Member, Schema.UniqueMember, Schema.MemberUid, Schema.Sn, Schema.GivenName, Schema.DisplayName];

    private IEnumerable<DirectoryEntry> MailEntries(DirectoryQuery query, Func<Guid, bool> sees)
    {
        // Most searches from the base are for a person or a group ((&(objectClass=person)(uid=alice)), (mail=…)): they
        // must not cost a walk through every mailbox.
        if (query.TryGetEquality(Schema.ObjectClass, out var objectClass) && !MailClasses.Contains(objectClass)
            || NotOnMail.Any(type => query.TryGetEquality(type, out _)))
            yield break;
        string? named = query.MailName;
        if (named is not null || query.TryGetEquality(Schema.Cn, out named) || query.TryGetEquality(Schema.MailLocalAddress, out named)
            || query.TryGetEquality(Schema.AssociatedDomain, out named))
        {
            if (mail.Domain(named) is { } domain)
                yield return DomainEntry(domain);
            if (mail.Holder(named) is { } holder && Entry(holder, sees) is { } entry)
                yield return entry;
            yield break;
        }
        foreach (var domain in mail.Domains)
            yield return DomainEntry(domain);
        foreach (var mailbox in mail.Mailboxes)
            if (MailboxEntry(mailbox, sees) is { } entry)
                yield return entry;
        foreach (var list in mail.Lists)
            yield return ListEntry(list);
    }

    private DirectoryEntry? Entry(object holder, Func<Guid, bool> sees) => holder switch
    {
        MailImage.MailboxRow mailbox => MailboxEntry(mailbox, sees),
        MailImage.ListRow list => ListEntry(list),
        _ => null,
    };

    private DirectoryEntry DomainEntry(MailImage.DomainRow domain) => tree.MailDomain(domain.Id, domain.Name, At(domain.Created));

    /// <summary>Published while enabled and owned by a listed person the identity sees, or by a group.</summary>
    private DirectoryEntry? MailboxEntry(MailImage.MailboxRow mailbox, Func<Guid, bool> sees)
    {
        if (!mailbox.Enabled)
            return null;
        string? username = null, groupName = null;
        if (mailbox.UserId is { } userId)
        {
            if (!people.TryGetValue(userId, out var person) || !sees(userId))
                return null;
            username = person.Row.Username;
        }
        else if (mailbox.GroupId is { } groupId && groups.TryGetValue(groupId, out var group))
            groupName = group.Row.Name;
        else
            return null;
        return tree.Mailbox(mailbox.Id, mailbox.Address, mailbox.Aliases, username, groupName, At(mailbox.Created), At(mailbox.Modified));
    }

    /// <summary>Members expanded to addresses now: a person's own mailbox (else their sign-in email), every listed member of a group, external addresses.</summary>
    private DirectoryEntry ListEntry(MailImage.ListRow list)
    {
        var people = list.People.Concat(list.Groups.SelectMany(id => groups.TryGetValue(id, out var group) ? group.Members : []));
        var addresses = people.Distinct().Select(DeliveryAddress).OfType<string>().Concat(list.Addresses)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase);
        return tree.MailingList(list.Id, list.Address, list.Description, addresses, list.MembersOnly, At(list.Created), At(list.Modified));
    }

    private string? DeliveryAddress(Guid userId) =>
        !people.TryGetValue(userId, out var person) ? null
        : mail.MailboxesOf(userId).FirstOrDefault()?.Address ?? person.Row.Email;
}
