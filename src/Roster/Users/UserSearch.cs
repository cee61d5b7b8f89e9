using Microsoft.EntityFrameworkCore;
using Roster.Data;

namespace Roster.Users;

/// <summary>
/// Substring search over name, username and email that stays fast at 100,000+ users: a trigram index on
/// the computed <see cref="User.SearchText"/> column (pg_trgm on PostgreSQL, an FTS5 trigram table kept
/// by triggers on SQLite). Terms under three characters, which no trigram index can serve, are scanned.
/// </summary>
public static class UserSearch
{
    /// <summary>The SQLite table that indexes <see cref="User.SearchText"/> by trigrams, and the triggers that keep it current.</summary>
    public const string SqliteTable = "UserSearch";

    /// <summary>
    /// On SQLite, more matches than this count as "common": reading every one of them out of the trigram
    /// index costs more than walking the sort order and testing rows until a page is full.
    /// </summary>
    public const int CommonMatches = 500;

    /// <summary>
    /// The users matching <paramref name="term"/>, and whether the match is too common to count exactly
    /// at an interactive speed (then the caller shows "more than <see cref="CommonMatches"/>").
    /// </summary>
    public static async Task<(IQueryable<User> Users, bool Common)> MatchingAsync(RosterDb db, string term, CancellationToken cancellationToken)
    {
        var lower = term.ToLowerInvariant();
        var pattern = Pattern(lower);
        var scan = db.Users.Where(u => EF.Functions.Like(u.SearchText!, pattern, @"\"));
        // PostgreSQL's pg_trgm index serves this LIKE directly. SQLite's FTS5 trigram table serves LIKE only
        // for terms of three or more characters without an ESCAPE clause; shorter terms or wildcards scan.
        if (!db.Database.IsSqlite() || lower.Length < 3 || lower.IndexOfAny(['%', '_', '\\']) >= 0)
            return (scan, false);
        var like = "%" + lower + "%";
        var found = await db.Database
            .SqlQuery<int>($"""SELECT count(*) AS "Value" FROM (SELECT 1 FROM "UserSearch" WHERE "SearchText" LIKE {like} LIMIT {CommonMatches})""")
            .SingleAsync(cancellationToken);
        if (found >= CommonMatches)
            return (scan, true);
        return (db.Users.FromSql($"""
            SELECT * FROM "Users" WHERE "Id" IN (SELECT "Id" FROM "UserSearch" WHERE "SearchText" LIKE {like})
            """), false);
    }

    /// <summary>
    /// Keeps only the matches the viewer may see matching: a hidden email address is no search key for someone
    /// who may not read it, or it could be recovered one character at a time.
    /// </summary>
    public static IQueryable<User> MatchingWhatTheViewerSees(IQueryable<User> matches, string term, Guid? viewerId)
    {
        var pattern = Pattern(term.ToLowerInvariant());
        return matches.Where(u => u.EmailVisible || u.Id == viewerId ||
            EF.Functions.Like((u.Name + " " + (u.UserName ?? "")).ToLower(), pattern, @"\"));
    }

    private static string Pattern(string lower) => "%" + lower.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
}
