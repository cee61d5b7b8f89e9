namespace Roster.Tests.Infrastructure;

public static class Environments
{
    /// <summary>Configuration keys ("Roster:Smtp:Host") as the environment variables an operator sets ("Roster__Smtp__Host").</summary>
    public static Dictionary<string, string?> AsEnvironment(this IEnumerable<KeyValuePair<string, string?>> settings) =>
        settings.ToDictionary(kv => kv.Key.Replace(":", "__"), kv => kv.Value);
}
