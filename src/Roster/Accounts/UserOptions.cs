namespace Roster.Accounts;

public sealed class UserOptions
{
    public const string Section = "Roster:Users";

    /// <summary>Usernames nobody may take, because apps on the platform use them (PRODUCT.md section 3).</summary>
    public static readonly string[] DefaultReservedUsernames =
    [
        "admin", "administrator", "root", "error", "404", "pull", "support", "postmaster", "hostmaster",
        "webmaster", "abuse", "noreply", "no-reply", "mailer-daemon", "nobody", "system", "www", "ftp", "mail",
    ];

    /// <summary>Extra reserved usernames, added to the defaults.</summary>
    public List<string> ReservedUsernames { get; set; } = [];

    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    public int PageSize { get; set; } = 25;

    public IEnumerable<string> AllReservedUsernames => DefaultReservedUsernames.Concat(ReservedUsernames);
}
