using System.Text;
using System.Text.Json;

namespace Roster.Transfer;

/// <summary>Roster's own export (<see cref="ExportDocument"/>), with each person, group and app found at the line where its object starts.</summary>
public static class JsonImport
{
    public static ImportSource Read(string text)
    {
        var source = new ImportSource();
        ExportDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ExportDocument>(text, TransferJson.Options);
        }
        catch (JsonException e)
        {
            source.Problems.Add(new((int)(e.LineNumber ?? 0) + 1, $"The file is not a Roster export: {e.Message.Split(" Path:")[0]}"));
            return source;
        }
        if (document is null || document.Format != ExportDocument.FormatName || document.People is null || document.Groups is null || document.Apps is null)
        {
            source.Problems.Add(new(1, $"The file is not a Roster export: it must say \"format\": \"{ExportDocument.FormatName}\" and list people, groups and apps."));
            return source;
        }
        if (document.Version != ExportDocument.CurrentVersion)
        {
            source.Problems.Add(new(1, $"The export is version {document.Version}; this Roster reads version {ExportDocument.CurrentVersion}."));
            return source;
        }
        var lines = ObjectLines(text);
        int LineOf(string array, int index) => lines.TryGetValue(array, out var found) && index < found.Count ? found[index] : 1;
        foreach (var (person, i) in document.People.Select((p, i) => (p, i)))
            source.People.Add(new IncomingPerson(LineOf("people", i), person.Username ?? "", person.Email ?? "", person.Name ?? "", person.Role.ToString(),
                person.Enabled, person.PasswordHash, person.Groups ?? [], person.Id, person.EmailConfirmed, person.EmailVisible,
                person.CreatedAt == default ? null : person.CreatedAt, person.InvitationPending, person.TwoFactorEnabled, person.TwoFactor));
        foreach (var (group, i) in document.Groups.Select((g, i) => (g, i)))
            source.Groups.Add(new IncomingGroup(LineOf("groups", i), group.Name ?? "", group.Description ?? "", group.Id));
        foreach (var (app, i) in document.Apps.Select((a, i) => (a, i)))
            source.Apps.Add(new IncomingApp(LineOf("apps", i), app));
        return source;
    }

    /// <summary>For each top-level array, the 1-based line on which each of its objects starts.</summary>
    private static Dictionary<string, List<int>> ObjectLines(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var result = new Dictionary<string, List<int>>();
        string? array = null;
        var line = 1;
        var counted = 0L;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                array = reader.GetString();
            else if (reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.StartObject && array is not null)
            {
                line += bytes.AsSpan((int)counted, (int)(reader.TokenStartIndex - counted)).Count((byte)'\n');
                counted = reader.TokenStartIndex;
                (result.TryGetValue(array, out var list) ? list : result[array] = []).Add(line);
            }
        }
        return result;
    }
}
