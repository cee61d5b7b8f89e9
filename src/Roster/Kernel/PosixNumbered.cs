namespace Roster.Kernel;

/// <summary>
/// A person or a group as Linux hosts see it over LDAP: a number (a person's uidNumber, a group's gidNumber)
/// drawn once, when it is first saved, from one sequence that people and groups share and that never goes back
/// (Accounts.PosixNumbers). One sequence because a person's gidNumber is their uidNumber (a private group, as
/// FreeIPA and Kanidm do): a group drawn from a sequence of its own could get that number and, with it, the
/// group ownership of the person's files. 0 means not drawn yet, and is never published: uid 0 is root.
/// </summary>
public interface IPosixNumbered
{
    int PosixNumber { get; set; }

    /// <summary>Several drawn in one save are numbered in this order.</summary>
    DateTime CreatedAt { get; }
}
