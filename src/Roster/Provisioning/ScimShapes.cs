using System.Text.Json.Nodes;

namespace Roster.Provisioning;

/// <summary>A person as Roster wants them at the provider.</summary>
public sealed record WantedUser(Guid Id, string UserName, string Name, string? Email, bool Active);

/// <summary>A resource as the provider holds it, reduced to what Roster compares.</summary>
public sealed record RemoteResource(string Id, string? ExternalId, string? Name, string? DisplayName, string? FormattedName, string? Email, bool Active)
{
    public Guid? RosterId => Guid.TryParse(ExternalId, out var id) ? id : null;
}

/// <summary>The RFC 7643 shapes of people (section 4.1) and groups (section 4.2) that Roster sends and reads.</summary>
public static class ScimShapes
{
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string Users = "Users";
    public const string Groups = "Groups";

    /// <summary>externalId is Roster's id (section 3.1): how Roster knows its own resources again after losing the provider's id.</summary>
    public static JsonObject User(WantedUser user)
    {
        var (given, family) = SplitName(user.Name);
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(UserSchema),
            ["externalId"] = user.Id.ToString(),
            ["userName"] = user.UserName,
            ["name"] = new JsonObject { ["formatted"] = user.Name, ["givenName"] = given, ["familyName"] = family },
            ["displayName"] = user.Name,
            ["active"] = user.Active,
        };
        if (user.Email is { Length: > 0 } email)
            body["emails"] = new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true });
        return body;
    }

    public static JsonObject Group(Guid id, string name, IEnumerable<string> memberIds) => new()
    {
        ["schemas"] = new JsonArray(GroupSchema),
        ["externalId"] = id.ToString(),
        ["displayName"] = name,
        ["members"] = new JsonArray([.. memberIds.Select(m => (JsonNode)new JsonObject { ["value"] = m })]),
    };

    /// <summary>Whether the provider's copy differs from what Roster wants in anything Roster sends.</summary>
    public static bool Differs(RemoteResource remote, WantedUser wanted) =>
        remote.Name != wanted.UserName || remote.DisplayName != wanted.Name || remote.FormattedName != wanted.Name ||
        !string.Equals(remote.Email ?? "", wanted.Email ?? "", StringComparison.OrdinalIgnoreCase) || remote.Active != wanted.Active ||
        remote.ExternalId != wanted.Id.ToString();

    /// <summary>Reads a User or Group resource; null when it has no id, which no provider may answer (section 3.1).</summary>
    public static RemoteResource? Read(JsonNode? node)
    {
        if (node is not JsonObject resource || Text(resource["id"]) is not { Length: > 0 } id)
            return null;
        var email = resource["emails"] is JsonArray emails
            ? emails.OfType<JsonObject>().OrderByDescending(e => e["primary"]?.GetValueKind() == System.Text.Json.JsonValueKind.True).Select(e => Text(e["value"])).FirstOrDefault()
            : null;
        var active = resource["active"] is not { } flag || flag.GetValueKind() != System.Text.Json.JsonValueKind.False;
        return new RemoteResource(id, Text(resource["externalId"]), Text(resource["userName"]) ?? Text(resource["displayName"]),
            Text(resource["displayName"]), Text(resource["name"]?["formatted"]), email, active);
    }

    /// <summary>The resources of a ListResponse (RFC 7644 section 3.4.2) and its totalResults.</summary>
    public static (List<RemoteResource> Resources, int Total) ReadList(JsonNode? node)
    {
        if (node is not JsonObject list || list["Resources"] is not (JsonArray or null))
            throw new HttpRequestException("The SCIM service's list is not a ListResponse.");
        var resources = (list["Resources"] as JsonArray ?? []).Select(Read).OfType<RemoteResource>().ToList();
        var total = list["totalResults"] is JsonValue value && value.TryGetValue<int>(out var t) ? t : resources.Count;
        return (resources, total);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node is JsonValue number ? number.ToJsonString() : null;

    /// <summary>Roster keeps one name field; providers that require given and family names get its first word and the rest.</summary>
    private static (string Given, string Family) SplitName(string name)
    {
        var trimmed = name.Trim();
        var space = trimmed.IndexOf(' ');
        return space < 0 ? (trimmed, "") : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }
}
