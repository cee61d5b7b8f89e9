namespace Roster.Kernel;

/// <summary>
/// A person's id as apps see it: OpenID Connect's <c>sub</c>, in ID, access and logout tokens alike, and the
/// id a dashboard session carries. The one conversion both ways, so every token names a person the same way
/// and never changes (OIDC Core section 5.7: <c>sub</c> is the only stable key an app may use).
/// </summary>
public static class Subject
{
    public static string Of(Guid userId) => userId.ToString("D");

    /// <summary>A subject Roster itself wrote (a session's, a grant's); anything else is a bug.</summary>
    public static Guid Read(string subject) => Guid.ParseExact(subject, "D");

    public static bool TryRead(string? subject, out Guid userId) => Guid.TryParseExact(subject, "D", out userId);
}
