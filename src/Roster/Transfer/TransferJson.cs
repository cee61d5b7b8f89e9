using System.Text.Json;
using System.Text.Json.Serialization;

namespace Roster.Transfer;

/// <summary>How the export is written and read: camelCase, enums by name, indented for people who read it.</summary>
public static class TransferJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };
}
